"""`zwgk verdicts template | check`: the evaluator's verdicts file for manual indicators."""
from __future__ import annotations

from pathlib import Path

import click


def _checklist(name: str):
    from zwgk.auditor.checklist import ChecklistError, load_checklist

    try:
        return load_checklist(name)
    except ChecklistError as exc:
        raise click.ClickException(f"检查清单有误：{exc}")


def precheck_verdicts(checklist: str, path: str | None) -> None:
    """Validate a verdicts file against a checklist (used by `zwgk run` before it crawls)."""
    if not path:
        return
    from zwgk.auditor.verdicts import VerdictsError, load_verdicts

    try:
        load_verdicts(path, _checklist(checklist))
    except VerdictsError as exc:
        raise click.ClickException(f"人工核查结论文件有误：\n{exc}")


@click.group()
def verdicts():
    """人工核查结论：生成填写模板、校验结论文件（评估时用 --verdicts 合并计分）。"""


@verdicts.command()
@click.option("--checklist", default="yiyuan-2023", help="检查清单（checklists/ 下的名称或 YAML 路径）")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="写入文件（默认输出到标准输出）")
@click.option("--all", "include_all", is_flag=True, help="同时列出自动检查的指标（用于补充自动检查无法判断的结果）")
def template(checklist, out, include_all):
    """输出人工核查结论模板（YAML），每个人工指标一条。"""
    from zwgk.auditor.verdicts import template_yaml

    cl = _checklist(checklist)
    inds = list(cl.iter_indicators()) if include_all else None
    text = template_yaml(cl, inds)
    if out:
        try:  # its folder is the user's: a missing one is named, not made
            Path(out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"无法写入 {out}：{exc.strerror or exc}")
        click.echo(f"已写出：{Path(out).resolve()}", err=True)
    else:
        click.echo(text, nl=False)


@verdicts.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--checklist", default="yiyuan-2023", help="检查清单（checklists/ 下的名称或 YAML 路径）")
def check(file, checklist):
    """校验人工核查结论文件（指标编号、结论、评估对象、核查人、日期）。"""
    from zwgk.auditor.verdicts import VerdictsError, load_verdicts

    cl = _checklist(checklist)
    try:
        given = load_verdicts(file, cl)
    except VerdictsError as exc:
        raise click.ClickException(f"人工核查结论文件有误：\n{exc}")
    manual = [i for i in cl.iter_indicators() if i.manual]
    done = {v.indicator for v in given}
    left = sum(1 for i in manual if i.id not in done)
    click.echo(f"{file}：有效结论 {len(given)} 条；人工指标 {len(manual)} 项，尚未下结论 {left} 项")


# subcommands live under `zwgk verdicts`, not at the top level
template.zwgk_command = False
check.zwgk_command = False
