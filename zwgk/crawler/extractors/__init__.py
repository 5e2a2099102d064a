"""crawler/extractors: pure functions from page bytes or an lxml tree to field values."""
from zwgk.crawler.extractors.encoding import decode_html, parse_html
from zwgk.crawler.extractors.fields import DocumentFields, extract_document
from zwgk.crawler.extractors.links import Link, canonical_url, page_links

__all__ = ["DocumentFields", "Link", "canonical_url", "decode_html", "extract_document",
           "page_links", "parse_html"]
