#!/usr/bin/env python3
"""Writes the PDF fixtures of test/input_documents_test.cc (raw PDF syntax, exact xref
offsets, the standard Helvetica font), so they are made by the project, not a tool:
  report.pdf  3 pages: a running header and footer with page numbers, a hyphenated
              line break to rejoin (peace-/keeping) and one to keep (cease-/fire),
              a two-column page 2 and an image-only page 3
  scan.pdf    one image-only page (no text layer)
Run it from this folder: python3 make_pdfs.py
(python3 make_pdfs.py PAGES OUT.pdf writes a long document for bench/extract.)"""

import sys


def escape(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_ops(lines):
    """lines: (x, y, size, text) -> a content stream showing each line."""
    ops = []
    for x, y, size, text in lines:
        ops.append(f"BT /F1 {size} Tf {x} {y} Td ({escape(text)}) Tj ET")
    return "\n".join(ops).encode("latin-1")


IMAGE_OPS = b"q 400 0 0 500 100 150 cm /Im1 Do Q"


def write_pdf(path, pages, info):
    """pages: list of content streams (bytes); info: Info dictionary entries."""
    objects = []  # object bodies, numbered from 1

    def add(body):
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = add(b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream")
    pages_id = len(objects) + 1 + 2 * len(pages)  # after every page and its content
    page_ids = []
    for content in pages:
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        page_ids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
            % (pages_id, stream, font, image)))
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    entries = b" ".join(b"/%s (%s)" % (k.encode(), escape(v).encode("latin-1"))
                        for k, v in info.items())
    info_id = add(b"<< " + entries + b" >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, catalog, info_id, xref))
    with open(path, "wb") as f:
        f.write(out)


def running(page):
    return [(72, 760, 9, "Quuxheader Ministry Bulletin"),
            (280, 30, 9, f"Page {page} of 3")]


def body(x, top, lines, size=11, leading=14):
    return [(x, top - i * leading, size, text) for i, text in enumerate(lines)]


PAGE1 = running(1) + body(72, 700, [
    "Statement on the Mediterranean Peace Initiative",
]) + body(72, 660, [
    "The Council welcomes the renewed commitment of all parties to the peace-",
    "keeping mission and to the protection of civilians in the region, and calls",
    "on every government to respect the cease-",
    "fire agreed in June without conditions or delay.",
]) + body(72, 580, [
    "The Council stands ready to support humanitarian access across the border",
    "and asks the Secretary-General to report on progress within ninety days.",
])

PAGE2 = running(2) + body(72, 700, [
    "Left column first line about",
    "maritime security and the",
    "protection of shipping lanes",
    "in the eastern basin.",
]) + body(320, 700, [
    "Right column text on water",
    "sharing agreements between",
    "the riparian states and the",
    "desalination fund.",
])


def long_document(path, pages):
    """A document of `pages` pages of prose with running lines, for bench/extract."""
    words = ("the council welcomes renewed commitment parties peacekeeping mission protection "
             "civilians region calls government respect agreement humanitarian access border "
             "secretary report progress maritime security shipping water sharing").split()
    contents = []
    for page in range(1, pages + 1):
        lines = [(72, 760, 9, "Quuxheader Ministry Bulletin"), (280, 30, 9, f"Page {page} of {pages}")]
        for i in range(48):
            line = " ".join(words[(page * 7 + i * 5 + k) % len(words)] for k in range(12))
            lines.append((72, 720 - i * 14 - (i // 8) * 6, 10, line))
        contents.append(text_ops(lines))
    write_pdf(path, contents, {"Title": f"Long document of {pages} pages"})


def main():
    if len(sys.argv) == 3:  # make_pdfs.py PAGES OUT.pdf
        long_document(sys.argv[2], int(sys.argv[1]))
        return
    write_pdf("report.pdf", [text_ops(PAGE1), text_ops(PAGE2), IMAGE_OPS],
              {"Title": "Mediterranean Peace Initiative", "CreationDate": "D:20230614093000Z",
               "Producer": "polsearch make_pdfs.py"})
    write_pdf("scan.pdf", [IMAGE_OPS], {"Title": "Scanned Letter"})


if __name__ == "__main__":
    main()
