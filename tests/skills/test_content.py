"""The content library: shipped content validates, broken content fails naming file and field."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from skills.content import (
    ContentError,
    ContentLibrary,
    CopyRenderError,
    UnknownContentError,
    load_library,
)
from skills.content.vocabulary import FAQ_IDS, SIGNAL_KINDS

CONTENT = Path(__file__).resolve().parents[2] / "content"

DEMO_TITLES = (
    "Chief Operating Officer",
    "Engineering Manager",
    "Software Engineer",
    "Senior Software Engineer",
    "Support Team Lead",
    "Support Specialist",
    "Senior Support Specialist",
    "Sales Manager",
    "Account Executive",
    "Senior Account Executive",
    "HR Business Partner",
)


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    """The shipped content library."""
    return load_library(CONTENT)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped content (without the demo data) to break."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root, ignore=shutil.ignore_patterns("demo", "mappings"))
    return root


def _edit(path: Path, change: Callable[[str], str]) -> None:
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, f"the edit did not change {path.name}"
    path.write_text(after, encoding="utf-8")


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_library(root)
    return [str(problem) for problem in caught.value.problems]


# --- the shipped content ------------------------------------------------------------------


def test_shipped_content_loads_with_enough_of_everything(library: ContentLibrary) -> None:
    counts = library.counts()

    assert counts["modules"] >= 24
    assert 16 <= counts["competencies"] <= 24
    assert {family.slug for family in library.families} == {
        "delivery",
        "communication",
        "collaboration",
        "leadership",
        "craft",
    }
    assert [level.level for level in library.levels] == [1, 2, 3, 4]
    assert counts["signals"] == len(SIGNAL_KINDS)
    assert counts["wordlists"] >= 8
    assert counts["roles"] >= len(DEMO_TITLES)


def test_every_module_has_a_bounded_lesson_and_answered_quiz(library: ContentLibrary) -> None:
    for module in library.modules:
        assert module.lesson_words <= 220, module.slug
        assert 2 <= len(module.quiz) <= 3, module.slug
        assert all(q.answer_text in q.options for q in module.quiz), module.slug
        assert 2 <= module.minutes <= 6


def test_modules_cover_managers_employees_and_every_competency(library: ContentLibrary) -> None:
    audiences = {module.audience for module in library.modules}
    tagged = {slug for module in library.modules for slug in module.competencies}

    assert {"manager", "employee"} <= audiences
    assert tagged == {competency.slug for competency in library.competencies}


def test_every_demo_title_has_a_role_profile(library: ContentLibrary) -> None:
    missing = [title for title in DEMO_TITLES if library.role_for_title(title) is None]

    assert missing == []


def test_role_lookup_ignores_case_spacing_and_punctuation(library: ContentLibrary) -> None:
    assert library.role_for_title("  software   ENGINEER ") == library.role("software-engineer")
    assert library.role_for_title("Data Analyst ") == library.role("data-analyst")
    assert library.role_for_title("sr dba") == library.role("senior-dba")
    assert library.role_for_title("President & CEO") == library.role("president-ceo")
    assert library.role_for_title("it manager-db") == library.role("it-manager-db")
    assert library.role_for_title("Astronaut") is None


def test_kpi_benchmarks_say_where_they_come_from(library: ContentLibrary) -> None:
    for role in library.roles:
        for kpi in role.kpis:
            if kpi.benchmark_basis == "assumption":
                assert "assumption" in kpi.benchmark_source.lower(), (role.slug, kpi.name)
            else:
                assert kpi.benchmark_source.startswith("Measured"), (role.slug, kpi.name)


def test_promotion_gaps_list_competencies_that_rise_at_the_next_step(
    library: ContentLibrary,
) -> None:
    gaps = library.promotion_gaps("software-engineer")
    senior = library.role("senior-software-engineer")

    assert library.next_role("software-engineer") == senior
    assert gaps
    assert all(now < senior.expectations[slug] == wanted for slug, (now, wanted) in gaps.items())
    assert library.promotion_gaps("chief-operating-officer") == {}


def test_a_dip_suggests_modules_that_name_the_signal_first(library: ContentLibrary) -> None:
    suggested = library.modules_for_signal("deadlines_missed", audience="employee")

    assert suggested
    assert "deadlines_missed" in suggested[0].signals
    assert all(module.audience in ("employee", "everyone") for module in suggested)


def test_every_signal_kind_suggests_at_least_one_module(library: ContentLibrary) -> None:
    empty = [kind for kind in sorted(SIGNAL_KINDS) if not library.modules_for_signal(kind)]

    assert empty == []


def test_modules_for_competency_filters_by_audience(library: ContentLibrary) -> None:
    for_managers = library.modules_for_competency("coaching", audience="manager")

    assert for_managers
    assert all("coaching" in module.competencies for module in for_managers)
    assert all(module.audience in ("manager", "everyone") for module in for_managers)


def test_unknown_slugs_raise_a_lookup_error_naming_them(library: ContentLibrary) -> None:
    with pytest.raises(LookupError, match="telepathy"):
        library.competency("telepathy")
    with pytest.raises(UnknownContentError, match="no-such-module"):
        library.module("no-such-module")
    with pytest.raises(UnknownContentError, match="coffee_cups"):
        library.signal("coffee_cups")


def test_module_choices_let_people_name_a_module_by_its_topic(library: ContentLibrary) -> None:
    choices = {name.lower(): slug for slug, name in library.module_choices()}

    assert choices["time management"] == "weekly-planning"
    assert "giving-feedback" in choices.values()


# --- copy ----------------------------------------------------------------------------------


def test_copy_renders_placeholders(library: ContentLibrary) -> None:
    text = library.copy("errors.unknown_person", name="Chris Evans")

    assert "Chris Evans" in text
    assert "{{" not in text


def test_unknown_person_wording_does_not_reveal_whether_they_exist(
    library: ContentLibrary,
) -> None:
    text = library.copy("errors.unknown_person", name="Grace Liu").lower()

    assert "people you can ask about" in text
    assert not re.search(r"\b(exists?|not allowed|permission|outside your)\b", text)


def test_copy_lists_ambiguous_candidates(library: ContentLibrary) -> None:
    text = library.copy("errors.ambiguous_person", candidates=["Alex Chen", "Alex Moreno"])

    assert "- Alex Chen" in text
    assert "- Alex Moreno" in text


def test_copy_with_a_missing_placeholder_fails_naming_the_key(library: ContentLibrary) -> None:
    with pytest.raises(CopyRenderError, match=r"errors\.inactive_employee"):
        library.copy("errors.inactive_employee")


def test_unknown_copy_key_fails_naming_it(library: ContentLibrary) -> None:
    with pytest.raises(UnknownContentError, match=r"errors\.no_such_thing"):
        library.copy("errors.no_such_thing")


def test_copy_cannot_reach_python_internals(library: ContentLibrary, content_copy: Path) -> None:
    (content_copy / "copy" / "probe.yaml").write_text(
        'attack: "{{ name.__class__.__mro__[1].__subclasses__() }}"\n', encoding="utf-8"
    )
    probed = load_library(content_copy)

    with pytest.raises(CopyRenderError):
        probed.copy("probe.attack", name="x")


def test_faq_answers_the_required_questions(library: ContentLibrary) -> None:
    entries = library.faq()

    assert [entry.id for entry in entries][: len(FAQ_IDS)] == list(FAQ_IDS)
    assert all(entry.question.endswith("?") and entry.answer for entry in entries)


def test_help_examples_are_one_request_per_line(library: ContentLibrary) -> None:
    examples = library.examples("manager")

    assert "prep my 1:1 with Dana" in examples
    assert all("\n" not in line for line in examples)


# --- word lists ----------------------------------------------------------------------------


def test_research_word_lists_carry_source_citation_and_licence(library: ContentLibrary) -> None:
    research = [wordlist for wordlist in library.wordlists() if wordlist.origin == "research"]

    assert {wordlist.name for wordlist in research} >= {
        "gaucher-friesen-kay-2011",
        "genderbias-marr",
        "schmader-2007-standard",
        "snyder-2014-personality",
    }
    for wordlist in research:
        assert wordlist.source
        assert wordlist.citation
        if wordlist.licence.startswith("MIT"):
            assert "Permission is hereby granted" in (wordlist.licence_notice or "")


def test_false_positives_cover_the_known_cases(library: ContentLibrary) -> None:
    wordlist = library.wordlist("false-positives")
    terms = {term for category in wordlist.categories.values() for term in category.terms}

    assert {"aggressive timeline", "emotional intelligence", "sharepoint"} <= terms


# --- broken content ------------------------------------------------------------------------


def test_quiz_without_an_answer_fails_naming_file_and_field(content_copy: Path) -> None:
    module = content_copy / "modules" / "giving-feedback.md"
    _edit(module, lambda text: text.replace("- [x]", "- [ ]", 1))

    problems = _problems(content_copy)

    assert any(p.startswith("modules/giving-feedback.md: quiz[1].answer:") for p in problems)


def test_tag_not_in_the_taxonomy_fails_naming_file_and_field(content_copy: Path) -> None:
    module = content_copy / "modules" / "delegation.md"
    _edit(module, lambda text: text.replace("[delegation, coaching]", "[delegation, telepathy]"))

    problems = _problems(content_copy)

    assert any(
        p.startswith("modules/delegation.md: competencies:") and "telepathy" in p for p in problems
    )


def test_lesson_over_220_words_fails_naming_file_and_field(content_copy: Path) -> None:
    module = content_copy / "modules" / "mentoring.md"
    padding = " ".join(["word"] * 60)
    _edit(module, lambda text: text.replace("## Practice", f"{padding}\n\n## Practice", 1))

    problems = _problems(content_copy)

    assert any(p.startswith("modules/mentoring.md: lesson:") and "220" in p for p in problems)


def test_unknown_front_matter_key_is_refused(content_copy: Path) -> None:
    module = content_copy / "modules" / "meeting-hygiene.md"
    _edit(module, lambda text: text.replace("minutes: 3\n", "minutes: 3\ndifficulty: hard\n", 1))

    problems = _problems(content_copy)

    assert "modules/meeting-hygiene.md: difficulty: unknown key" in problems


def test_role_level_outside_the_framework_fails_naming_file_and_field(
    content_copy: Path,
) -> None:
    role = content_copy / "roles" / "software-engineer.yaml"
    _edit(role, lambda text: text.replace("  technical-expertise: 2", "  technical-expertise: 7"))

    problems = _problems(content_copy)

    assert any(
        p.startswith("roles/software-engineer.yaml: expectations.technical-expertise:")
        for p in problems
    )


def test_every_problem_is_reported_not_just_the_first(content_copy: Path) -> None:
    _edit(content_copy / "modules" / "delegation.md", lambda t: t.replace("- [x]", "- [ ]", 1))
    _edit(
        content_copy / "signals.yaml",
        lambda t: t.replace("competencies: [team-wellbeing]\n", "competencies: [zen]\n", 1),
    )
    _edit(
        content_copy / "copy" / "errors.yaml",
        lambda t: t.replace("called {{ name }}", "called {{ nm }}"),
    )

    problems = _problems(content_copy)
    files = {problem.split(":", 1)[0] for problem in problems}

    assert {"modules/delegation.md", "signals.yaml", "copy/errors.yaml"} <= files


def test_module_naming_an_unknown_signal_fails(content_copy: Path) -> None:
    module = content_copy / "modules" / "weekly-planning.md"
    _edit(module, lambda text: text.replace("signals: [deadlines_missed", "signals: [coffee", 1))

    problems = _problems(content_copy)

    assert any(p.startswith("modules/weekly-planning.md: signals:") for p in problems)


def test_missing_required_copy_key_fails(content_copy: Path) -> None:
    errors = content_copy / "copy" / "errors.yaml"
    _edit(errors, lambda text: text.replace("\nno_identity:", "\nno_identity_renamed:", 1))

    problems = _problems(content_copy)

    assert "copy/errors.yaml: errors.no_identity: required, but missing" in problems


def test_repeated_yaml_key_is_refused(content_copy: Path) -> None:
    errors = content_copy / "copy" / "refusals.yaml"
    _edit(errors, lambda text: text + "\nmedical: twice\n")

    problems = _problems(content_copy)

    assert any(p.startswith("copy/refusals.yaml:") and "twice" in p for p in problems)


def test_library_is_loaded_once_per_root(content_copy: Path) -> None:
    first = load_library(content_copy)

    assert load_library(content_copy / ".." / "content") is first


# --- the CLI -------------------------------------------------------------------------------


def test_content_check_passes_and_prints_counts(content_copy: Path) -> None:
    result = CliRunner().invoke(app, ["content", "check", "--root", str(content_copy)])

    assert result.exit_code == 0, result.output
    assert re.search(r"modules\s*│\s*\d+", result.output)
    assert "word lists" in result.output


def test_content_check_uses_the_configured_folder_by_default() -> None:
    result = CliRunner().invoke(app, ["content", "check"])

    assert result.exit_code == 0, result.output
    assert "role profiles" in result.output


def test_content_check_fails_listing_file_and_field(content_copy: Path) -> None:
    module = content_copy / "modules" / "giving-feedback.md"
    _edit(module, lambda text: text.replace("- [x]", "- [ ]", 1))

    result = CliRunner().invoke(app, ["content", "check", "--root", str(content_copy)])

    assert result.exit_code == 1
    assert "modules/giving-feedback.md: quiz[1].answer: no option is marked [x]" in result.output


# --- the real data folder ------------------------------------------------------------------


@pytest.mark.shared_data
def test_every_hr_dataset_position_has_a_role_profile(
    library: ContentLibrary, shared_data: Path
) -> None:
    path = shared_data / "hr" / "HRDataset_v14.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        positions = {row["Position"] for row in csv.DictReader(handle)}

    missing = sorted(title for title in positions if library.role_for_title(title) is None)

    assert len(positions) >= 30
    assert missing == []
