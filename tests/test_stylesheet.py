"""The widgets' stylesheet is in the page once: sent with a kernel's first widget, again only
when the output that carried it is gone (its cell re-ran or was deleted, or a new kernel)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import nbformat
import pytest
from helpers import REPO, VALID_ROOT
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from smmkit.publish.execute import execute_notebook

SHOW = "import smmkit\nsmmkit.quiz('beispiel.sc-01')"
STYLE = "<style>"


@pytest.fixture
def shell():
    from smmkit.kernel.widgets import reset_session

    reset_session(root=VALID_ROOT)
    shell = InteractiveShell.instance()
    yield shell
    InteractiveShell.clear_instance()


def styles(shell, source: str, cell_id: str, **cell_meta) -> int:
    """Run a cell as ipykernel runs JupyterLab's: how many stylesheets it displayed."""
    with capture_output() as captured:
        result = shell.run_cell(source, cell_id=cell_id, cell_meta=cell_meta)
    result.raise_error()
    return sum(STYLE in o.data.get("text/html", "") for o in captured.outputs)


def test_first_widget_brings_the_stylesheet_and_later_ones_do_not(shell):
    assert styles(shell, SHOW, "a") == 1
    assert styles(shell, SHOW, "b") == 0
    assert styles(shell, "smmkit.scenario('beispiel.scn-01')", "c") == 0
    assert styles(shell, SHOW, "b") == 0  # re-running another cell keeps the carrier's output


def test_rerunning_the_carrying_cell_brings_it_again(shell):
    assert styles(shell, SHOW, "a") == 1
    assert styles(shell, SHOW, "b") == 0
    assert styles(shell, SHOW, "a") == 1  # its old output, stylesheet and all, was cleared
    assert styles(shell, "x = 1", "a") == 0  # cleared again, and this time shows no widget …
    assert styles(shell, SHOW, "b") == 1  # … so the next widget brings it


def test_deleting_the_carrying_cell_brings_it_again(shell):
    assert styles(shell, SHOW, "a") == 1
    assert styles(shell, SHOW, "b", deletedCells=["a"]) == 1
    assert styles(shell, SHOW, "c", deletedCells=["x"]) == 0


def test_the_stylesheet_is_a_css_file_shown_as_one_style_element(shell):
    with capture_output() as captured:
        shell.run_cell(SHOW, cell_id="a")
    html = captured.outputs[0].data["text/html"]
    assert html.startswith("<style>") and html.endswith("</style>") and html.count("<style") == 1
    assert ".smmkit-item .widget-radio-box label" in html


def test_without_ipython_nothing_is_displayed(capsys):
    import smmkit
    from smmkit.kernel.widgets import reset_session

    reset_session(root=VALID_ROOT)
    smmkit.quiz("beispiel.sc-01")
    assert capsys.readouterr().out == ""


@pytest.mark.kernel
def test_a_notebook_run_by_nbclient_has_the_stylesheet_once_before_its_first_widget(monkeypatch):
    monkeypatch.setenv("SMMKIT_ROOT", str(VALID_ROOT))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import smmkit"),
        nbformat.v4.new_code_cell("smmkit.participant()"),
        nbformat.v4.new_code_cell("smmkit.quiz('beispiel.sc-01')"),
        nbformat.v4.new_code_cell("smmkit.scenario('beispiel.scn-01')"),
    ]
    execute_notebook(notebook, cwd=REPO)
    outputs = [[o.get("data", {}) for o in cell.outputs] for cell in notebook.cells[1:]]
    assert [sum(STYLE in d.get("text/html", "") for d in cell) for cell in outputs] == [1, 0, 0]
    assert all("application/vnd.jupyter.widget-view+json" in cell[-1] for cell in outputs)


class LabKernel:
    """A real kernel, sent execute requests the way JupyterLab sends them (with cell ids)."""

    def __init__(self, runtime: Path) -> None:
        from jupyter_client import KernelManager

        self.manager = KernelManager(kernel_name="python3", transport="ipc")
        self.manager.ip = str(runtime / f"smk-{uuid.uuid4().hex[:12]}")
        self.manager.shutdown_wait_time = 0.5
        env = {**os.environ, "SMMKIT_ROOT": str(VALID_ROOT)}
        self.manager.start_kernel(cwd=str(REPO), env=env)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run(self, source: str, cell_id: str, deleted: tuple[str, ...] = ()) -> list[dict]:
        """Execute `source` as cell `cell_id`; the data of every output it displayed."""
        content = {"code": source, "silent": False, "store_history": True}
        content |= {"user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
        metadata = {"cellId": cell_id, "deletedCells": list(deleted)}
        request = self.client.session.msg("execute_request", content, metadata=metadata)
        self.client.shell_channel.send(request)
        outputs = []
        while True:
            message = self.client.get_iopub_msg(timeout=60)
            if message["parent_header"].get("msg_id") != request["header"]["msg_id"]:
                continue
            kind, body = message["msg_type"], message["content"]
            if kind == "error":
                raise AssertionError("\n".join(body["traceback"]))
            if kind in ("display_data", "execute_result"):
                outputs.append(body["data"])
            if kind == "status" and body["execution_state"] == "idle":
                return outputs

    def styles(self, source: str, cell_id: str, deleted: tuple[str, ...] = ()) -> int:
        return sum(STYLE in d.get("text/html", "") for d in self.run(source, cell_id, deleted))

    def restart(self) -> None:
        self.manager.restart_kernel(now=True)
        self.client.wait_for_ready(timeout=60)

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.mark.kernel
def test_jupyterlab_cell_ids_reach_the_kernel_and_a_restart_sends_it_again():
    kernel = LabKernel(Path(os.environ["JUPYTER_RUNTIME_DIR"]))
    try:
        assert kernel.styles(SHOW, "a") == 1
        assert kernel.styles(SHOW, "b") == 0
        assert kernel.styles(SHOW, "a") == 1
        assert kernel.styles(SHOW, "c", deleted=("a",)) == 1
        kernel.restart()
        assert kernel.styles(SHOW, "b") == 1
    finally:
        kernel.close()
