"""`ttdn oai list-records`: what a harvester would get, for staff checks (same code as /oai)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import click

__all__ = ["oai_group"]

_NS = {"o": "http://www.openarchives.org/OAI/2.0/"}


@click.group("oai")
def oai_group() -> None:
    """The OAI-PMH data provider, seen from the command line."""


@oai_group.command("list-records")
@click.option("--prefix", "metadata_prefix", default="oai_dc", show_default=True,
              help="Metadata format: oai_dc or ttdn.")
@click.option("--set", "set_spec", default=None, help="A setSpec, e.g. collection:ban-do.")
@click.option("--from", "from_", default=None, help="YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")
@click.option("--until", default=None, help="YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")
@click.option("--xml", "as_xml", is_flag=True, help="Print every response page as XML.")
@click.pass_context
def list_records(ctx: click.Context, metadata_prefix: str, set_spec: str | None,
                 from_: str | None, until: str | None, as_xml: bool) -> None:
    """Harvest the archive as an aggregator would (ListRecords, following every token)."""
    from web.app import create_app

    settings = ctx.obj["settings"]
    client = create_app({"TTDN_HOME": str(settings.home), "SERVER_NAME": "localhost"}).test_client()
    args = {k: v for k, v in (("verb", "ListRecords"), ("metadataPrefix", metadata_prefix),
                              ("set", set_spec), ("from", from_), ("until", until)) if v}
    count = 0
    while args:
        body = client.get("/oai", query_string=args).get_data()
        root = ET.fromstring(body)
        if as_xml:
            click.echo(body.decode("utf-8"))
        error = root.find("o:error", _NS)
        if error is not None:
            raise click.ClickException(f"{error.get('code')}: {error.text}")
        for record in root.iter(f"{{{_NS['o']}}}record"):
            count += 1
            if not as_xml:
                click.echo(_line(record))
        token = root.findtext(".//o:resumptionToken", namespaces=_NS)
        args = {"verb": "ListRecords", "resumptionToken": token} if token else None
    click.echo(f"{count} record(s)", err=True)


def _line(record: ET.Element) -> str:
    header = record.find("o:header", _NS)
    sets = ",".join(e.text for e in header.findall("o:setSpec", _NS))
    status = "deleted" if header.get("status") == "deleted" else "public"
    title = next((e.text for e in record.iter() if e.tag.endswith("}title")), "") or ""
    return "\t".join((header.findtext("o:identifier", namespaces=_NS),
                      header.findtext("o:datestamp", namespaces=_NS), status, sets, title))
