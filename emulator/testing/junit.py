"""JUnit XML for CI (the schema Jenkins, GitLab and GitHub's test reporters read)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CaseResult:
    state_machine: str
    test_case: str
    seconds: float
    problems: tuple[str, ...] = ()
    error: str | None = None  # the case could not run (no definition, a refused definition …)

    @property
    def passed(self) -> bool:
        return not self.problems and self.error is None


def junit_xml(results: Sequence[CaseResult], suite_name: str = "sfn-emulator") -> bytes:
    failures = sum(1 for result in results if result.problems and result.error is None)
    errors = sum(1 for result in results if result.error is not None)
    suite = ElementTree.Element(
        "testsuite",
        name=suite_name,
        tests=str(len(results)),
        failures=str(failures),
        errors=str(errors),
        time=f"{sum(result.seconds for result in results):.3f}",
    )
    for result in results:
        case = ElementTree.SubElement(
            suite,
            "testcase",
            classname=result.state_machine,
            name=result.test_case,
            time=f"{result.seconds:.3f}",
        )
        if result.error is not None:
            ElementTree.SubElement(case, "error", message=result.error).text = result.error
        elif result.problems:
            message = "; ".join(result.problems)
            ElementTree.SubElement(case, "failure", message=message).text = "\n".join(result.problems)
    suites = ElementTree.Element("testsuites")
    suites.append(suite)
    return ElementTree.tostring(suites, encoding="utf-8", xml_declaration=True)
