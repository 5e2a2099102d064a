"""What the command line says in Chinese: Click's own messages, and zwgk's errors about its inputs.

Click marks every sentence it prints with gettext (`_("Missing option")`); `install_click()`
points those lookups at `CLICK` below, so usage lines, help, and errors such as a missing option
or an invalid value read in Chinese without rewriting Click's formatting. Strings Click does not
mark (type names, `[OPTIONS]`) are set once by `install_click()` / `localise()`. A msgid missing
here falls back to Click's English; tests/cli/test_messages.py lists Click's msgids and fails on
any that reaches a user untranslated.
"""
from __future__ import annotations

import difflib
from typing import Iterable

# Click's msgids (click 8.x, `_(…)` and `ngettext(…)` in its modules) → Chinese. Placeholders keep
# their names; a translation may drop `!r` (Chinese quotes 「」 replace Python's repr quotes).
CLICK: dict[str, str] = {
    # usage, help
    "Usage:": "用法:",  # Click adds a space, and writes "选项:" with an ASCII colon too
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Choice({choices})": "可选值（{choices}）",
    # errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行「{command} {option}」查看帮助。",
    "Aborted!": "已中止。",
    "unknown error": "未知错误",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有「{name}」这个命令。",
    "No such option {name!r}.": "没有「{name}」这个选项。",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用其中之一：{possibilities}？）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Could not open file {filename!r}: {message}": "无法打开文件「{filename}」：{message}",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} does not take a value.": "选项 {name} 不接受取值。",
    "Option {name!r} requires an argument.": "选项 {name} 需要一个取值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 需要 {nargs} 个取值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 需要 {nargs} 个取值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个取值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个取值，给了 {len} 个。",
    "Value must be an iterable.": "取值应为一组值。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个取值，给了 {len_value} 个。",
    "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个取值，给了 {len_value} 个。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    # values
    "{value!r} is not {choice}.": "「{value}」不是 {choice}。",
    "{value!r} is not one of {choices}.": "「{value}」不是 {choices} 之一。",
    "{value!r} is not a valid {number_type}.": "「{value}」不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "「{value}」不是有效的是/否取值，可用：{states}",
    "{value!r} is not a valid UUID.": "「{value}」不是有效的 UUID。",
    "{value!r} does not match the format {format}.": "「{value}」不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "「{value}」不符合格式 {formats} 中的任何一种。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name}「{filename}」不存在。",
    "{name} {filename!r} is a file.": "{name}「{filename}」是文件，应为目录。",
    "{name} {filename!r} is a directory.": "{name}「{filename}」是目录，应为文件。",
    "{name} {filename!r} is not readable.": "{name}「{filename}」不可读。",
    "{name} {filename!r} is not writable.": "{name}「{filename}」不可写。",
    "{name} {filename!r} is not executable.": "{name}「{filename}」不可执行。",
    # prompts
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不经确认直接执行。",
    "Press any key to continue...": "按任意键继续……",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
}

# names of Click's parameter types, which it prints as metavars (`--delay FLOAT`) and in errors
TYPE_NAMES = {
    "text": "文本", "integer": "整数", "float": "数值", "boolean": "是/否", "uuid": "UUID",
    "integer range": "整数", "float range": "数值", "datetime": "日期时间", "choice": "选项值",
}
USAGE_METAVARS = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]...",
                  "[COMMAND] [ARGS]...": "[命令] [参数]..."}


def click_gettext(message: str) -> str:
    return CLICK.get(message, message)


def click_ngettext(singular: str, plural: str, n: int) -> str:
    return click_gettext(singular if n == 1 else plural)


_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


def install_click() -> None:
    """Point Click's gettext lookups at CLICK and its type names at TYPE_NAMES. Before any
    command is declared: decorators translate their default help when applied."""
    import importlib

    import click._textwrap
    import click.types as ct

    if getattr(click._textwrap.TextWrapper, "zwgk", False):
        return  # installed already

    for name in _CLICK_MODULES:
        mod = importlib.import_module(f"click.{name}")
        if hasattr(mod, "_"):
            mod._ = click_gettext
        if hasattr(mod, "ngettext"):
            mod.ngettext = click_ngettext
    for obj in vars(ct).values():
        if isinstance(obj, type) and issubclass(obj, ct.ParamType) and obj.__dict__.get("name") in TYPE_NAMES:
            obj.name = TYPE_NAMES[obj.__dict__["name"]]
    import click.formatting

    # help text measured in terminal cells, broken between Chinese characters, lines of a Chinese
    # paragraph joined without a space (Click measures characters and breaks at spaces only)
    click.formatting.term_len = click._textwrap.term_len = display_width
    click._textwrap.TextWrapper = _cjk_wrapper(click._textwrap.TextWrapper)
    for obj in vars(ct).values():  # the shared instances (click.INT …) carry the name of their class
        if isinstance(obj, ct.ParamType) and obj.__dict__.get("name") in TYPE_NAMES:
            obj.name = TYPE_NAMES[obj.__dict__["name"]]


def usage_error(exc):
    """A missing or invalid parameter said the Chinese way: the option as typed (no Python quotes),
    what it is for (its help), no English full stop — Click assembles those messages around the
    translated words, so they are rebuilt here from the parameter. Other usage errors unchanged."""
    import click

    param, ctx = getattr(exc, "param", None), getattr(exc, "ctx", None)
    if param is None or not isinstance(exc, (click.MissingParameter, click.BadParameter)):
        return exc
    if isinstance(param, click.Option):
        name, kind = " / ".join(param.opts), "选项"
    else:
        name, kind = param.make_metavar(ctx) if ctx is not None else param.human_readable_name, "参数"
    if isinstance(exc, click.MissingParameter):
        purpose = getattr(param, "help", None)
        text = f"缺少{kind} {name}" + (f"：{purpose}" if purpose else "")
        extra = param.type.get_missing_message(param=param, ctx=ctx) if ctx is not None else None
        text += f"；{extra}" if extra else ""
    else:
        text = f"{kind} {name} 的值无效：{exc.message}"
    return click.UsageError(text, ctx=ctx)


def _wide(c: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(c) in "WF"


NO_LINE_START = "，。、；：？！）」』》〉】〕”’…"  # Chinese punctuation that never begins a line


def _cjk_wrapper(base):
    """Click's TextWrapper, splitting text into one chunk per Chinese character (punctuation kept
    with the character before it) and dropping the space Click puts between two lines of a
    paragraph when both sides are Chinese."""

    class CJKTextWrapper(base):
        zwgk = True

        def _split(self, text):
            chunks: list[str] = []
            for chunk in super()._split(text):
                if chunk.isspace() or not any(_wide(c) for c in chunk):
                    chunks.append(chunk)
                    continue
                run = ""
                for c in chunk:
                    if _wide(c) and c not in NO_LINE_START:
                        if run:
                            chunks.append(run)
                        run = c
                    else:
                        run += c
                chunks.append(run)
            out: list[str] = []
            for i, c in enumerate(chunks):
                if c == " " and out and i + 1 < len(chunks) and _wide(out[-1][-1]) and _wide(chunks[i + 1][0]):
                    continue
                out.append(c)
            return out

    return CJKTextWrapper


def display_width(text: str) -> int:
    """Terminal columns of `text`: a CJK character takes two (Click counts one per character)."""
    import unicodedata

    from click._compat import strip_ansi

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in strip_ansi(text))


def localise(command) -> None:
    """The usage placeholders of `command` and everything under it, in Chinese (Click takes them
    as constructor defaults, not through gettext)."""
    import click

    if command.options_metavar in USAGE_METAVARS:
        command.options_metavar = USAGE_METAVARS[command.options_metavar]
    if isinstance(command, click.Group):
        if command.subcommand_metavar in USAGE_METAVARS:
            command.subcommand_metavar = USAGE_METAVARS[command.subcommand_metavar]
        for sub in command.commands.values():
            localise(sub)


def suggest(word: str, known: Iterable[str]) -> str:
    """'（是否应为「required-fields」？）' for the known name closest to a misspelt `word`, or ''."""
    close = difflib.get_close_matches(str(word), list(known), n=1, cutoff=0.75)  # a typo, not a guess
    return f"（是否应为「{close[0]}」？）" if close else ""


# ------------------------------------------------------------------------- the database

DB_FORMS = "sqlite:///路径/zwgk.db 或 postgresql+psycopg://用户:密码@主机/库名"
DB_BAD_URL = "数据库地址无法识别：「{url}」（应为 " + DB_FORMS + "）"
DB_UNSUPPORTED = "不支持的数据库类型「{backend}」：「{url}」（zwgk 支持 SQLite 和 PostgreSQL：" + DB_FORMS + "）"
DB_NO_DRIVER = "无法连接数据库 {url}：缺少数据库驱动 {driver}（PostgreSQL 驱动用 pip install 'zwgk[postgresql]' 安装）"
DB_NO_FOLDER = ("数据库文件所在的目录不存在：{folder}（{url}）。zwgk 只会自动创建默认的数据目录；"
                "请先创建该目录，或检查路径是否写错")
DB_CANNOT_OPEN = "无法打开数据库 {url}：{cause}"
# (words in the driver's message, what a user reads); the first match names the cause
DB_OPEN_CAUSES = (
    (("connection refused",), "数据库服务器拒绝连接（服务未启动，或主机、端口不对）"),
    (("could not translate host name", "name or service not known", "nodename nor servname",
      "temporary failure in name resolution"), "找不到数据库主机（主机名无法解析）"),
    (("timeout expired", "timed out"), "连接数据库服务器超时"),
    (("password authentication failed", "authentication failed", "no password supplied"), "用户名或密码错误"),
    (("does not exist",), "数据库或用户不存在"),
    (("file is not a database", "file is encrypted"), "该文件不是 SQLite 数据库文件"),
    (("unable to open database file",), "无法打开数据库文件（路径是目录，或没有读写权限）"),
    (("permission denied", "readonly database", "read-only"), "没有数据库的读写权限"),
    (("database or disk is full", "no space left"), "磁盘已满"),
    (("database is locked",), "数据库被其他进程锁定"),
)
DB_OTHER_CAUSE = "数据库返回错误"
DB_FAILED = "数据库出错，命令未完成：{cause}"


# ------------------------------------------------------------------------- checklists
# zwgk.auditor.checklist's problems, one template each; a line reads
# `checklists/x.yaml:12: 主动公开/法定基础信息[2]: 未知的检查「requird-fields」（是否应为「required-fields」？）`.
# YAML keys stay as the author types them; `{hint}` is a suggest() result or ''.
CHECKLIST: dict[str, str] = {
    "no_file": "{file}：检查清单文件不存在",
    "unknown_name": "没有名为「{name}」的检查清单{hint}（可用：{known}；也可给出 YAML 文件路径）",
    "cannot_read": "{file}：无法读取（{cause}）",
    "not_utf8": "{file}：无法读取，检查清单应为 UTF-8 编码",
    "yaml_syntax": "YAML 格式错误（第 {column} 列）：{problem}",
    "top_not_mapping": "文件顶层应为键值映射（id、title、version、source、tree），而不是{kind}",
    "missing_key": "缺少必填键「{key}」",
    "unknown_key": "未知的键「{key}」{hint}",
    "id_not_kebab": "id「{id}」应只含小写字母、数字和连字符（如 yiyuan-2023）",
    "id_not_file_name": "id「{id}」与文件名「{stem}」不一致（checklists/ 下的清单按文件名查找，两者应相同）",
    "not_text": "{key} 应为文本",
    "levels_not_list": "levels 应为层级名称列表（如 [一级指标, 二级指标]）",
    "scoring_not_mapping": "scoring 应为键值映射（strategy、total、pass_mark）",
    "unknown_strategy": "未知的计分方式「{strategy}」（可用：{known}）",
    "not_non_negative": "{key} 应为不小于 0 的数，而不是 {value!r}",
    "offices_not_list": "offices 应为评估对象名称列表",
    "office_twice": "评估对象「{office}」重复列出",
    "portal_not_name": "portal_office 应为一个评估对象名称",
    "portal_not_office": "portal_office「{office}」不在 offices 中",
    "tree_empty": "tree 应为非空列表",
    "not_mapping": "应为层级节点或指标（键值映射），而不是{kind}",
    "node_no_name": "层级节点缺少名称（name）",
    "node_unknown_key": "层级节点上未知的键「{key}」{hint}（层级节点只有 name、id、children）",
    "node_too_deep": "第 {depth} 级超出了 levels 声明的 {levels} 级",
    "bad_id": "id「{id}」不合规（应以字母或数字开头，只含字母、数字、_ . -）",
    "node_no_children": "层级节点的 children 应为非空列表",
    "duplicate_id": "id「{id}」重复（第一次出现在 {first}）",
    "leaf_missing": "指标缺少「{key}」",
    "leaf_too_deep": "指标位于第 {depth} 级，超出了 levels 声明的 {levels} 级",
    "text_empty": "text 不能为空",
    "weight_not_positive": "weight（分值）应为正数，而不是 {value!r}",
    "not_bool": "{key} 应为 true 或 false，而不是 {value!r}",
    "deduct_not_positive": "deduct（每项问题扣分）应为正数，而不是 {value!r}",
    "params_not_mapping": "params 应为键值映射",
    "check_and_manual": "同时给出了 check 和 manual: true（二者只能给一个）",
    "no_check_or_manual": "需要 check（自动检查）或 manual: true（人工核查）",
    "manual_params": "人工核查指标（manual: true）不带 params",
    "check_not_id": "check 应为检查编号，而不是 {value!r}",
    "applies_not_mapping": "applies_to 应为 {{all: true}}、{{offices: [...]}} 或 {{all: true, except: [...]}} 这样的映射",
    "applies_unknown_key": "applies_to 中未知的键「{key}」{hint}（可用：all、offices、except）",
    "applies_all_not_bool": "applies_to.all 应为 true 或 false，而不是 {value!r}",
    "applies_not_list": "applies_to.{key} 应为评估对象名称列表",
    "applies_both": "applies_to 中 all: true 和 offices 只能给一个",
    "applies_none": "applies_to 没有指定评估对象（用 all: true 或 offices: [...]）",
    "applies_except_needs_all": "applies_to.except 需要与 all: true 一起使用",
    "unknown_office": "未知的评估对象「{office}」（不在 offices 中）{hint}",
    "unknown_column_kind": "params：未知的栏目类别「{kind}」{hint}（见 zwgk/vocab.py 的 COLUMN_KINDS）",
    "unknown_check": "未知的检查「{check}」{hint}",
    "unknown_param": "检查「{check}」没有参数「{param}」{hint}（可用：{accepted}）",
    "missing_param": "检查「{check}」缺少参数「{param}」",
    "none": "无",
    # zwgk checklists validate
    "valid": "{file}：校验通过 — {title}，{count} 项指标（自动检查 {automated} 项，人工核查 {manual} 项）",
    "id_shared": ("{file}：注意，id「{id}」与 {other} 相同；同一网站用两份 id 相同的清单评估，"
                  "变化趋势会把两者当作同一清单比较"),
    "invalid": "{file}：校验未通过，{count} 处问题：",
}


def checklist_text(name: str, /, **fields) -> str:
    return CHECKLIST[name].format(**fields)
