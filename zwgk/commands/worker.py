"""`zwgk worker`: a scrapy-redis worker crawling the sites `zwgk batch --redis` queued."""
from __future__ import annotations

import click


def open_registry(redis: str | None, prefix: str, lease: float = 30.0):
    from zwgk.crawler.distributed import Registry, redis_url

    url = redis_url(redis)
    if not url:
        raise click.ClickException("未指定 Redis：请用 --redis redis://主机:端口/库号 或设置环境变量 ZWGK_REDIS_URL")
    try:
        import redis as redis_lib

        registry = Registry(url, prefix=prefix, lease=lease)
        registry.ping()
    except (ValueError, redis_lib.RedisError) as exc:
        raise click.ClickException(f"无法连接 Redis（{url}）：{exc}")
    return registry


@click.command()
@click.option("--redis", default=None, help="Redis URL（默认环境变量 ZWGK_REDIS_URL）")
@click.option("--db", default=None, help="共享数据库 URL，多台机器时用 PostgreSQL（默认环境变量 ZWGK_DB）")
@click.option("--sites", type=int, default=4, show_default=True, help="本进程同时抓取的网站数")
@click.option("--linger", type=float, default=10.0, show_default=True,
              help="队列空闲多少秒后退出（0：队列一空就退出）")
@click.option("--lease", type=float, default=30.0, show_default=True,
              help="租约秒数：工作进程失联这么久后，它的网站由其他工作进程接手")
@click.option("--prefix", default="zwgk", show_default=True, help="Redis 键前缀（多个评估项目共用一个 Redis 时区分）")
@click.option("--host-key", "host_key", type=click.Choice(["host", "netloc"]), default="host", show_default=True,
              help="礼貌限速的单位：host 按主机名（同一主机不同端口共用限额），netloc 按主机名加端口；"
                   "所有工作进程须一致")
def worker(redis, db, sites, linger, lease, prefix, host_key):
    """分布式抓取工作进程：从 Redis 领取网站，抓取结果写入共享数据库；可在多台机器上启动任意多个。"""
    import os

    from zwgk.orchestrate import console
    from zwgk.crawler.distributed import run_worker

    if sites < 1:
        raise click.ClickException("--sites 至少为 1")
    registry = open_registry(redis, prefix, lease)
    db = db or os.environ.get("ZWGK_DB")
    console.print(f"工作进程已启动：Redis {registry.url}，数据库 {db or '按队列中各批次的设置'}，同时抓取 {sites} 个网站")
    out = run_worker(registry, db, sites=sites, linger=linger, host_key=host_key, log=console.print)
    console.print(f"队列已空，工作进程退出：完成 {len(out['finished'])} 个网站，"
                  f"交回 {len(out['released'])} 个未完成的网站")
    if out.get("failed"):  # lost writes: the supervisor sees a failed worker
        raise click.ClickException(f"{len(out['failed'])} 个网站因数据库写入失败而中止（原因见上）")
