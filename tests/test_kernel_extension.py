"""`%load_ext smmkit`: charts get alt texts only where the extension is loaded."""

from __future__ import annotations

import nbformat
import pytest
from helpers import REPO

from smmkit.publish.execute import execute_notebook

CHART = (
    "import matplotlib.pyplot as plt\n"
    "fig, ax = plt.subplots()\n"
    "ax.bar(['Mo', 'Di'], [3, 5])\n"
    "ax.set_title('Beiträge pro Tag')\n"
    "plt.show()"
)


def _png_outputs(*sources: str, **options) -> list[dict]:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    execute_notebook(notebook, cwd=REPO, **options)
    return [
        output for output in notebook.cells[-1].outputs if "image/png" in output.get("data", {})
    ]


@pytest.mark.kernel
def test_build_kernels_load_the_extension_and_charts_carry_alt_text():
    (output,) = _png_outputs(CHART)
    assert "Beiträge pro Tag" in output["metadata"]["image/png"]["alt"]


@pytest.mark.kernel
def test_importing_smmkit_changes_nothing_in_ipython():
    (output,) = _png_outputs("import smmkit", CHART, extensions=())
    assert "alt" not in output.get("metadata", {}).get("image/png", {})
