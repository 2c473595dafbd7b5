"""The six OAI-PMH verbs over the catalog's `oai_records` (archive/oai.py)."""
from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from archive import oai
from archive.catalog import Catalog
from archive.models import Item

from . import records, tokens
from .args import OaiError, check_range
from .records import Links
from .xml import OAI, OAI_ID as _OAI_ID, sub, text

__all__ = ["Context", "VERB_HANDLERS", "oai_identifier"]



@dataclass
class Context:
    """What a request's verbs work with."""

    catalog: Catalog
    base_url: str
    repository_name: str
    repository_id: str
    admin_email: str
    page_size: int
    token_ttl: int  # seconds a resumptionToken stays valid
    secret: str
    schema_url: str  # where ttdn.xsd is served
    links: Callable[[Item], Links]


def oai_identifier(ctx: Context, item_id: str) -> str:
    """The record's OAI identifier."""
    return f"oai:{ctx.repository_id}:{item_id}"


def _item_id(ctx: Context, identifier: str) -> str:
    prefix = f"oai:{ctx.repository_id}:"
    item_id = identifier[len(prefix):] if identifier.startswith(prefix) else ""
    if not item_id or oai.record(ctx.catalog.db, item_id) is None:
        raise OaiError("idDoesNotExist", f"{identifier!r} is not a record of this repository")
    return item_id


def _prefix(name: str) -> str:
    if name not in records.FORMATS:
        raise OaiError("cannotDisseminateFormat", f"metadataPrefix {name!r} is not offered; use"
                       " one of " + ", ".join(records.FORMATS))
    return name


def identify(ctx: Context, parent: ET.Element, args: dict) -> None:
    """Identify: the repository, its earliest datestamp, persistent deletions, seconds."""
    node = sub(parent, f"{{{OAI}}}Identify")
    for tag, value in (("repositoryName", ctx.repository_name), ("baseURL", ctx.base_url),
                       ("protocolVersion", "2.0"), ("adminEmail", ctx.admin_email),
                       ("earliestDatestamp", oai.earliest_datestamp(ctx.catalog.db)),
                       ("deletedRecord", "persistent"), ("granularity", "YYYY-MM-DDThh:mm:ssZ")):
        text(node, f"{{{OAI}}}{tag}", value)
    described = sub(sub(node, f"{{{OAI}}}description"), f"{{{_OAI_ID}}}oai-identifier", {
        "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation":
            f"{_OAI_ID} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"})
    for tag, value in (("scheme", "oai"), ("repositoryIdentifier", ctx.repository_id),
                       ("delimiter", ":"), ("sampleIdentifier", oai_identifier(ctx, "0123abcd"))):
        text(described, f"{{{_OAI_ID}}}{tag}", value)


def list_metadata_formats(ctx: Context, parent: ET.Element, args: dict) -> None:
    """ListMetadataFormats: oai_dc and ttdn, for every record alike."""
    if "identifier" in args:
        _item_id(ctx, args["identifier"])
    node = sub(parent, f"{{{OAI}}}ListMetadataFormats")
    for prefix, (schema, namespace) in records.FORMATS.items():
        fmt = sub(node, f"{{{OAI}}}metadataFormat")
        text(fmt, f"{{{OAI}}}metadataPrefix", prefix)
        text(fmt, f"{{{OAI}}}schema", schema or ctx.schema_url)
        text(fmt, f"{{{OAI}}}metadataNamespace", namespace)


def list_sets(ctx: Context, parent: ET.Element, args: dict) -> None:
    """ListSets: every set holding a public item (one page: sets are few)."""
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", "ListSets answers in one page; it takes no token")
    found = oai.list_sets(ctx.catalog.db)
    if not found:
        raise OaiError("noSetHierarchy", "no public item is in a set yet")
    node = sub(parent, f"{{{OAI}}}ListSets")
    for spec, name in found:
        one = sub(node, f"{{{OAI}}}set")
        text(one, f"{{{OAI}}}setSpec", spec)
        text(one, f"{{{OAI}}}setName", name)


def _header(ctx: Context, parent: ET.Element, rec: oai.OaiRecord) -> None:
    node = sub(parent, f"{{{OAI}}}header", {"status": "deleted"} if rec.deleted else None)
    text(node, f"{{{OAI}}}identifier", oai_identifier(ctx, rec.item_id))
    text(node, f"{{{OAI}}}datestamp", rec.datestamp)
    for spec in rec.sets:
        text(node, f"{{{OAI}}}setSpec", spec)


def _record(ctx: Context, parent: ET.Element, rec: oai.OaiRecord, prefix: str) -> None:
    node = sub(parent, f"{{{OAI}}}record")
    _header(ctx, node, rec)
    item = None if rec.deleted else ctx.catalog.get_item(rec.item_id)
    if item is None or item.access not in oai.PUBLIC_LEVELS:
        return  # deleted: the header alone, never the metadata
    metadata = sub(node, f"{{{OAI}}}metadata")
    if prefix == "oai_dc":
        records.oai_dc(metadata, item, ctx.links(item))
    else:
        records.ttdn(metadata, item, ctx.links(item), ctx.schema_url)


def get_record(ctx: Context, parent: ET.Element, args: dict) -> None:
    """GetRecord: one record, public or deleted."""
    prefix = _prefix(args["metadataPrefix"])
    rec = oai.record(ctx.catalog.db, _item_id(ctx, args["identifier"]))
    _record(ctx, sub(parent, f"{{{OAI}}}GetRecord"), rec, prefix)


def _position(ctx: Context, verb: str, args: dict) -> tokens.Position:
    if "resumptionToken" in args:
        try:
            position = tokens.decode(args["resumptionToken"], ctx.secret)
        except tokens.BadToken as err:
            raise OaiError("badResumptionToken", str(err)) from err
        if position.verb != verb:
            raise OaiError("badResumptionToken", f"this resumptionToken belongs to {position.verb}")
        return position
    prefix = _prefix(args["metadataPrefix"])
    start, stop = check_range(args)
    query = oai.HarvestQuery(start, stop, args.get("set"), oai.max_seq(ctx.catalog.db))
    total = oai.count(ctx.catalog.db, query)
    if not total:
        raise OaiError("noRecordsMatch", "no record matches these arguments")
    return tokens.Position(verb, prefix, query.set_spec, start, stop, query.max_seq, 0, 0, total,
                           int(time.time()) + ctx.token_ttl)


def _list(ctx: Context, parent: ET.Element, args: dict, verb: str) -> None:
    at = _position(ctx, verb, args)
    query = oai.HarvestQuery(at.from_, at.until, at.set_spec, at.max_seq)
    found = oai.harvest(ctx.catalog.db, query, after_seq=at.after_seq, limit=ctx.page_size + 1)
    page, more = found[:ctx.page_size], len(found) > ctx.page_size
    if not page:  # every remaining record changed since the harvest began: they wait for the next
        raise OaiError("noRecordsMatch", "no record remains in this harvest")
    node = sub(parent, f"{{{OAI}}}{verb}")
    for rec in page:
        if verb == "ListRecords":
            _record(ctx, node, rec, at.prefix)
        else:
            _header(ctx, node, rec)
    if not more and at.cursor == 0:
        return  # the whole list in one response: no token at all
    attrib = {"completeListSize": str(max(at.total, 1)), "cursor": str(at.cursor)}
    token = ""
    if more:
        expires = int(time.time()) + ctx.token_ttl
        token = tokens.encode(tokens.Position(
            verb, at.prefix, at.set_spec, at.from_, at.until, at.max_seq, page[-1].seq,
            at.cursor + len(page), at.total, expires), ctx.secret)
        attrib["expirationDate"] = datetime.fromtimestamp(expires, timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
    text(node, f"{{{OAI}}}resumptionToken", token, attrib)


VERB_HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": lambda ctx, parent, args: _list(ctx, parent, args, "ListIdentifiers"),
    "ListRecords": lambda ctx, parent, args: _list(ctx, parent, args, "ListRecords"),
}
