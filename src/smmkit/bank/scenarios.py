"""Scenario graphs and scenario play, as pure logic (no widgets, no I/O)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from .grading import stable_order
from .models import Choice, Node, Scenario


def reachable(scenario: Scenario) -> set[str]:
    """Node ids reachable from the start node (following choices and routes)."""
    nodes = scenario.node_map
    seen: set[str] = set()
    queue = deque([scenario.start])
    while queue:
        node_id = queue.popleft()
        if node_id in seen or node_id not in nodes:
            continue
        seen.add(node_id)
        queue.extend(nodes[node_id].targets())
    return seen


def can_end(scenario: Scenario) -> set[str]:
    """Node ids from which at least one ending can be reached."""
    nodes = scenario.node_map
    ending = {n.id for n in scenario.nodes if n.ending is not None}
    result = set(ending)
    changed = True
    while changed:
        changed = False
        for node in scenario.nodes:
            if node.id not in result and any(t in result for t in node.targets()):
                result.add(node.id)
                changed = True
    return result & set(nodes)


def endings(scenario: Scenario) -> list[Node]:
    return [n for n in scenario.nodes if n.ending is not None]


def choice_order(scenario: Scenario, node: Node, seed: str) -> list[int]:
    """The order a node's choices are shown in: shuffled, the same every time for one seed.

    The authored order must reveal nothing (authors tend to write the best choice first), so
    the app shuffles per participant and the paper gamebook with one fixed seed.
    """
    return stable_order(len(node.choices or []), seed, scenario.id, node.id)


@dataclass(frozen=True)
class Step:
    """One decision taken: where, which choice, and what it did to the score."""

    node_id: str
    choice_index: int
    score: float


@dataclass
class ScenarioRun:
    """A playthrough: current node, accumulated score and the path taken.

    Router nodes are passed through automatically, so `node` is always a decision
    or an ending.
    """

    scenario: Scenario
    node_id: str = ""
    score: float = 0.0
    steps: list[Step] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    competency_scores: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        self.score = 0.0
        self.steps = []
        self.visited = []
        self.competency_scores = {}
        self._enter(self.scenario.start)

    @property
    def node(self) -> Node:
        return self.scenario.node(self.node_id)

    @property
    def finished(self) -> bool:
        return self.node.ending is not None

    def _enter(self, node_id: str) -> None:
        # Routers may chain; a validated scenario cannot loop through routers forever,
        # but a bound keeps an unvalidated one from hanging a kernel.
        for _ in range(len(self.scenario.nodes) + 1):
            self.node_id = node_id
            self.visited.append(node_id)
            node = self.scenario.node(node_id)
            if not node.routes:
                return
            node_id = next(r.goto for r in node.routes if r.holds(self.score))
        raise RuntimeError(f"{self.scenario.id}: routers form a loop at node {node_id!r}")

    def choose(self, index: int) -> Choice:
        """Take choice `index` at the current decision node; returns the choice taken."""
        node = self.node
        if not node.choices:
            raise ValueError(f"node {node.id!r} offers no choices")
        choice = node.choices[index]
        self.score += choice.score
        competency = choice.competency or self.scenario.competency
        self.competency_scores[competency] = (
            self.competency_scores.get(competency, 0) + choice.score
        )
        self.steps.append(Step(node.id, index, choice.score))
        self._enter(choice.goto)
        return choice

    def to_record(self) -> dict:
        """The JSON-able answer stored in progress files."""
        return {
            "path": self.visited,
            "choices": [[s.node_id, s.choice_index] for s in self.steps],
            "ending": self.node_id if self.finished else None,
            "rating": self.node.ending.rating if self.finished else None,
            "competency_scores": self.competency_scores,
        }


def max_score(scenario: Scenario) -> float:
    """Highest accumulated score any playthrough can reach at an ending."""
    best = best_path(scenario)
    return best[1] if best else 0.0


def best_path(scenario: Scenario) -> tuple[list[str], float] | None:
    """The playthrough with the best ending rating, ties broken by score.

    Explores every simple path (no node twice); scenarios are small, so this is cheap.
    """
    rank = {"best": 3, "good": 2, "neutral": 1, "bad": 0}
    nodes = scenario.node_map
    found: tuple[tuple[int, float], list[str]] | None = None

    def walk(node_id: str, score: float, path: list[str]) -> None:
        nonlocal found
        if node_id not in nodes or node_id in path:
            return
        node = nodes[node_id]
        path = [*path, node_id]
        if node.ending is not None:
            key = (rank[node.ending.rating], score)
            if found is None or key > found[0]:
                found = (key, path)
        elif node.routes:
            route = next((r for r in node.routes if r.holds(score)), None)
            if route:
                walk(route.goto, score, path)
        else:
            for choice in node.choices or []:
                walk(choice.goto, score + choice.score, path)

    walk(scenario.start, 0.0, [])
    if found is None:
        return None
    (_, score), path = found
    return path, score
