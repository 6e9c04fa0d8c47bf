"""HTML handouts: participant and trainer editions, offline and print-ready."""

from __future__ import annotations

import functools
from pathlib import Path

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets import default

try:
    from jinja2 import pass_context
except ImportError:  # pragma: no cover - jinja2 < 3
    from jinja2 import contextfilter as pass_context

from ...i18n import t
from ..preprocessors import DropWidgetOutputs, HideCode, RenderBankItems, RenderFacts
from ..preprocessors.cells import APP_ONLY, LAB_ONLY

TEMPLATES = Path(__file__).parent / "templates"


class HandoutExporter(HTMLExporter):
    """Participant edition: code hidden, quizzes on paper, no answers, no trainer notes."""

    export_from_notebook = "smmkit handout (participant)"
    mode = "participant"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "smmkit_handout"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATES)]

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    @default("language_code")
    def _language_code_default(self) -> str:
        return "de"

    @default("optimistic_validation")
    def _optimistic_validation_default(self) -> bool:
        # Validate once after the last step, not after each of the ~16 preprocessors (which
        # cost a third of a large handout's export); an invalid result still fails.
        return True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Registered after nbconvert's own (e.g. --execute), so they see executed outputs.
        for step in self.edition_steps():
            self.register_preprocessor(step, enabled=True)

    def edition_steps(self) -> list:
        trainer = self.mode == "trainer"
        remove = ["handout-skip", LAB_ONLY, APP_ONLY] + ([] if trainer else ["trainer"])
        return [
            TagRemovePreprocessor(remove_cell_tags=set(remove), parent=self),
            RenderFacts(mode=self.mode, parent=self),
            RenderBankItems(mode=self.mode, parent=self),
            DropWidgetOutputs(parent=self),
            HideCode(show_solutions=trainer, parent=self),
        ]

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = self._init_resources(resources)
        resources["smmkit"] = {
            "mode": self.mode,
            "edition": t(f"paper.edition.{self.mode}"),
            "title": _title(nb, resources),
        }
        # HTMLExporter would re-parse the whole page with BeautifulSoup only to add missing alt
        # texts and tab stops (~1 s per large handout); our template writes alt texts itself.
        lexer = nb.metadata.get("language_info", {}).get("pygments_lexer") or "ipython3"
        self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            ),
        )
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    @pass_context
    def markdown2html(self, context, source):
        """nbconvert's filter, memoised: both editions render the same Markdown cells."""
        cell = context.get("cell", {})
        attachments = cell.get("attachments", {})
        if attachments:  # rare in our notebooks, and not worth a cache key
            return super().markdown2html(context, source)
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        settings = (self.embed_images, self.anchor_link_text, self.exclude_anchor_links)
        try:
            options = tuple(sorted(self.lexer_options.items()))
            return _markdown_html(source, path, settings, options)
        except TypeError:  # unhashable lexer options
            return super().markdown2html(context, source)


@functools.lru_cache(maxsize=2048)
def _markdown_html(source: str, path: str, settings: tuple, lexer_options: tuple) -> str:
    embed_images, anchor_link_text, exclude_anchor_links = settings
    renderer = IPythonRenderer(
        escape=False,
        attachments={},
        embed_images=embed_images,
        path=path,
        anchor_link_text=anchor_link_text,
        exclude_anchor_links=exclude_anchor_links,
        **dict(lexer_options),
    )
    return MarkdownWithMath(renderer=renderer).render(source)


class TrainerExporter(HandoutExporter):
    """Trainer edition: everything in the handout plus answer key, notes, solutions, scenario maps."""

    export_from_notebook = "smmkit handout (trainer)"
    mode = "trainer"


def _title(nb, resources) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return resources.get("metadata", {}).get("name", "")
