"""The app edition's frozen cells: which cells keep their build-time result, and how it shows."""

from __future__ import annotations

import nbformat

from smmkit.publish.preprocessors.freeze import (
    FROZEN_TAG,
    FreezeOutputs,
    frozen_cells,
    outputs_html,
)


def test_data_cells_freeze_and_widget_cells_stay_live():
    sources = [
        None,  # a Markdown cell
        "import smmkit\nsmmkit.participant()",
        "import pandas as pd\ndf = pd.read_csv('x.csv')",
        "df.groupby('kanal').size()",
        'smmkit.quiz("kommunikation.quiz-kanaele")',
        "",
    ]
    assert frozen_cells(sources) == {2, 3}


def test_a_cell_that_feeds_a_live_cell_stays_live_and_so_do_its_inputs_and_readers():
    sources = [
        "import pandas as pd",
        "beitraege = pd.read_csv('b.csv')",
        "beitraege.head()",
        "smmkit.chart(beitraege)",  # live: uses beitraege, so cells 1 and 0 must run too,
        "print('unrelated')",
    ]  # and cell 2 reads what a live cell made
    assert frozen_cells(sources) == {4}


def test_the_example_data_is_the_same_for_everyone():
    sources = [
        "import smmkit",
        "df = smmkit.datasets.load_comment_export()\ndf.head()",
        "smmkit.participant()",
        "from smmkit import datasets",  # a name of smmkit's own: live
        "from smmkit.datasets import load_question_log\nload_question_log().head()",
    ]
    assert frozen_cells(sources) == {1, 4}


def test_a_cell_using_a_live_cells_name_stays_live():
    sources = ["daten = smmkit.daten('beitraege')", "daten.describe()", "print(1 + 1)"]
    assert frozen_cells(sources) == {2}


def test_magics_and_syntax_python_cannot_read_stay_live():
    assert frozen_cells(["%matplotlib inline", "!ls", "x = 1"]) == {2}


def test_outputs_become_one_html_block_without_blank_lines():
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "Zeile 1\n\nZeile <3>\n"},
        {"output_type": "stream", "name": "stderr", "text": "a warning"},
        {
            "output_type": "display_data",
            "data": {"image/png": "iVBORw0KGgo=\n", "text/plain": "<Figure>"},
            "metadata": {"image/png": {"alt": "Antwortzeit je Kanal"}},
        },
        {
            "output_type": "execute_result",
            "data": {"text/html": "<table>\n\n<tr><td>1</td></tr>\n</table>", "text/plain": "x"},
            "metadata": {},
            "execution_count": 3,
        },
    ]
    shown = outputs_html(outputs)
    assert "\n\n" not in shown and shown.startswith('<div class="smmkit-frozen-output">')
    assert "<pre>Zeile 1&#10;&#10;Zeile &lt;3&gt;&#10;</pre>" in shown
    assert "a warning" not in shown
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in shown
    assert 'alt="Antwortzeit je Kanal"' in shown
    assert "<tr><td>1</td></tr>" in shown


def test_the_preprocessor_replaces_frozen_cells_and_drops_empty_ones():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 2", execution_count=1),  # no output: disappears
        nbformat.v4.new_code_cell(
            "print(x)",
            execution_count=2,
            outputs=[nbformat.v4.new_output("stream", name="stdout", text="2\n")],
        ),
        nbformat.v4.new_code_cell('smmkit.quiz("a")', execution_count=3),
    ]
    out, _ = FreezeOutputs().preprocess(nb, {})
    assert [c.cell_type for c in out.cells] == ["markdown", "code"]
    assert (
        FROZEN_TAG in out.cells[0].metadata["tags"] and "<pre>2&#10;</pre>" in out.cells[0].source
    )


def test_a_notebook_never_executed_keeps_its_cells_live():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import pandas as pd"), nbformat.v4.new_code_cell("pd")]
    out, _ = FreezeOutputs().preprocess(nb, {})
    assert [c.cell_type for c in out.cells] == ["code", "code"]
