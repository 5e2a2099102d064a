"""`zwgk checklists validate [FILE…]`: an author validates their own file, by path."""
import shutil
import subprocess
import sys
from pathlib import Path

import zwgk

CHECKLISTS = Path(zwgk.__file__).resolve().parents[1] / "checklists"


def zwgk_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


def test_a_copied_checklist_validates_and_names_the_shared_id(tmp_path):
    copy = tmp_path / "my.yaml"
    shutil.copy(CHECKLISTS / "yiyuan-2023.yaml", copy)
    p = zwgk_cli("checklists", "validate", str(copy))
    assert p.returncode == 0, p.stderr
    from zwgk.auditor.checklist import load_checklist

    cl = load_checklist("yiyuan-2023")
    n = len(cl.indicators)
    manual = sum(1 for i in cl.indicators if i.manual)
    assert p.stdout.strip() == (f"{copy}：校验通过 — {cl.title}，{n} 项指标（自动检查 {n - manual} 项，"
                                f"人工核查 {manual} 项）")
    assert "id「yiyuan-2023」与 checklists/yiyuan-2023.yaml 相同" in p.stderr


def test_an_authors_mistakes_name_file_line_and_what_was_meant(tmp_path):
    text = (CHECKLISTS / "yiyuan-2023.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.strip() == "check: missing-field")
    lines[at] = lines[at].replace("missing-field", "missing-feild")
    (tmp_path / "draft.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = zwgk_cli("checklists", "validate", "draft.yaml", cwd=tmp_path)
    assert p.returncode == 1 and p.stdout == ""
    assert "draft.yaml：校验未通过，1 处问题：" in p.stderr
    assert f"draft.yaml:{at + 1}: " in p.stderr
    assert "未知的检查「missing-feild」（是否应为「missing-field」？）" in p.stderr
    assert "Traceback" not in p.stderr


def test_validate_without_files_checks_every_shipped_checklist():
    p = zwgk_cli("checklists", "validate")
    assert p.returncode == 0, p.stderr
    shipped = sorted(x.stem for x in CHECKLISTS.glob("*.yaml"))
    assert [ln.split("：")[0] for ln in p.stdout.splitlines()] == [f"checklists/{s}.yaml" for s in shipped]
    assert all("校验通过" in ln for ln in p.stdout.splitlines())


def test_an_unknown_name_suggests_the_close_one():
    p = zwgk_cli("checklists", "validate", "yiyuan-2032")
    assert p.returncode == 1
    assert "没有名为「yiyuan-2032」的检查清单（是否应为「yiyuan-2023」？）" in p.stderr


def test_two_drafts_sharing_an_id_are_each_valid_and_the_clash_is_named(tmp_path):
    text = (CHECKLISTS / "baseline.yaml").read_text(encoding="utf-8")
    old_id = next(ln for ln in text.splitlines() if ln.startswith("id:"))
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(text.replace(old_id, "id: my-draft", 1), encoding="utf-8")
    p = zwgk_cli("checklists", "validate", "a.yaml", "b.yaml", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("校验通过") == 2
    assert "b.yaml：注意，id「my-draft」与 a.yaml 相同" in p.stderr
    assert "a.yaml：注意" not in p.stderr
