"""Build hook: ship the repository's checklists/ inside the package, as zwgk/checklists/.

Policy staff edit the checklists at the top of the repository (checklists/*.yaml), where they
are data, not code; an installed zwgk must still find them. Everything else about the project
is declared in pyproject.toml; this file only adds the checklists to what `build_py` copies.

Why this mechanism and not another:
- build_py's list of package data files is where setuptools looks for a package's files when
  it builds a wheel (the copy into build/lib/zwgk/checklists/), an sdist (the sources it
  includes, so a wheel built from the sdist has them too; sdist asks through
  get_data_files_without_manifest) and an editable install (its mapping of outputs to
  sources). One entry there covers all three, with no MANIFEST.in and no second copy of the
  YAML files in the tree.
- `[tool.setuptools.package-dir]` cannot map checklists/ to zwgk.checklists while the packages
  are found by `[tool.setuptools.packages.find]` (find only sees directories under its `where`),
  and making checklists/ a top-level package would put a `checklists` directory of ours
  straight into site-packages.
- `[tool.setuptools.data-files]` installs outside the package (into {prefix}/share/…), where
  nothing can find it reliably, and is deprecated.
- A symlink zwgk/checklists -> ../checklists would break on checkouts without symlinks.

At run time zwgk.auditor.checklist.checklist_dirs() looks in the repository's checklists/
(a source checkout, including `pip install -e .`) and then in zwgk/checklists/ (an installed
wheel).
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SOURCE = "checklists"        # relative to the project root, as setuptools wants it
TARGET = ("zwgk", "checklists")  # where the files land inside the built package


class build_py_with_checklists(build_py):  # named like setuptools' own commands
    def _checklists(self) -> list[tuple[str, str, str, list[str]]]:
        # (package, source directory, build directory, file names): build_py's own format
        names = sorted(p.name for p in (HERE / SOURCE).glob("*.yaml"))
        return [(".".join(TARGET), SOURCE, str(Path(self.build_lib, *TARGET)), names)] if names else []

    def _get_data_files(self):  # what build_py copies (wheel) and maps (editable install)
        return list(super()._get_data_files()) + self._checklists()

    def get_data_files_without_manifest(self):  # what sdist includes
        return list(super().get_data_files_without_manifest()) + self._checklists()


setup(cmdclass={"build_py": build_py_with_checklists})
