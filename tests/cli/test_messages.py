"""zwgk.messages: Click's user-facing msgids all have a Chinese translation, and the CLI uses them."""
import ast
import importlib
from pathlib import Path

import click
from click.testing import CliRunner

from zwgk import messages
from zwgk.cli import main

# msgids a user of zwgk never sees: mistakes in declaring commands, features zwgk does not use
DEVELOPER_ONLY = (
    "Could not determine name", "No options defined", "Arguments take exactly", "defined twice",
    "cannot use the same flag", "DeprecationWarning", "Unknown color", "Unknown standard stream",
    "shell completion", "Shell completion", "Editing failed", "d",
)


def click_msgids() -> set[str]:
    found = set()
    for name in messages._CLICK_MODULES:
        mod = importlib.import_module(f"click.{name}")
        for node in ast.walk(ast.parse(Path(mod.__file__).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                found |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


def test_every_user_facing_click_msgid_is_translated():
    ids = click_msgids()
    assert "Missing option" in ids and "Usage:" in ids  # the scan finds Click's marked strings
    missing = sorted(m for m in ids - set(messages.CLICK)
                     if not any(m == d or (len(d) > 1 and d in m) for d in DEVELOPER_ONLY))
    assert missing == []


def test_translations_keep_the_placeholders():
    import string

    def fields(s):
        return {f.split("!")[0] for _, f, _, _ in string.Formatter().parse(s) if f}
    for msgid, text in messages.CLICK.items():
        if "%(" in msgid:
            continue
        assert fields(text) <= fields(msgid), msgid
        assert any("\u4e00" <= c <= "\u9fff" for c in text), msgid


def test_help_and_errors_through_click_read_chinese():
    r = CliRunner().invoke(main, ["extract", "--nope"])
    assert r.exit_code == 2
    assert "没有「--nope」这个选项" in r.output and "Error" not in r.output
    r = CliRunner().invoke(main, ["--help"], prog_name="zwgk")
    assert "用法: zwgk [选项] 命令 [参数]..." in r.output and "命令:" in r.output


def test_help_columns_line_up_with_chinese_metavars():
    r = CliRunner().invoke(main, ["run", "--help"])
    rows = [ln for ln in r.output.splitlines() if ln.startswith("  --") and "  " in ln.strip()]
    starts = set()
    for ln in rows:
        name, _, rest = ln[2:].partition("  ")
        help_at = messages.display_width(ln[: len(ln) - len(rest.lstrip())])
        starts.add(help_at)
    assert len(starts) == 1, starts  # one help column, in terminal cells


def test_display_width_counts_cjk_as_two():
    assert messages.display_width("--out 目录") == 10
    assert messages.display_width(click.style("ab", fg="red")) == 2


def test_suggest_names_the_closest():
    assert messages.suggest("requird-fields", ["required-fields", "broken-links"]) == "（是否应为「required-fields」？）"
    assert messages.suggest("zzz", ["required-fields"]) == ""


def test_an_in_process_command_leaves_the_folder_policy_as_it_was(tmp_path):
    from zwgk.store import db

    assert db.create_folders
    r = CliRunner().invoke(main, ["audit", "--db", f"sqlite:///{tmp_path / 'no' / 'z.db'}", "--out", str(tmp_path)])
    assert r.exit_code == 1 and "目录不存在" in r.output and not (tmp_path / "no").exists()
    assert db.create_folders  # a program's own open_db may still create its folder


def test_help_of_every_command_fits_80_columns():
    def walk(cmd, path):
        yield path
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, path + [name])
    for path in walk(main, []):
        r = CliRunner().invoke(main, path + ["--help"], prog_name="zwgk", terminal_width=80)
        assert r.exit_code == 0, (path, r.output)
        wide = [ln for ln in r.output.splitlines() if messages.display_width(ln) > 80]
        assert wide == [], path


def test_a_chinese_paragraph_is_rejoined_without_spaces():
    @click.command()
    def cmd():
        """第一行说明文字，
        接着第二行，共 2 行。"""

    r = CliRunner().invoke(cmd, ["--help"], terminal_width=30)
    text = "".join(ln.strip() for ln in r.output.split("\n\n")[1].splitlines())
    assert text == "第一行说明文字，接着第二行，共 2 行。"
    assert not any(ln.strip().startswith(("，", "。")) for ln in r.output.splitlines())
