#!/usr/bin/env python3
"""Writes the PDF fixtures of test/input_documents_test.cc (raw PDF syntax, exact xref
offsets, the standard Helvetica font), so they are made by the project, not a tool:
  report.pdf  3 pages: a running header and footer with page numbers, a hyphenated
              line break to rejoin (peace-/keeping) and one to keep (cease-/fire),
              a two-column page 2 and an image-only page 3
  scan.pdf    one image-only page (no text layer)
  locked.pdf  page 1 of the report, encrypted with a user password ("secret"): it
              cannot be read without it
  owner-only.pdf  the same page encrypted with an owner password only, as many
              published PDFs are ("no copying"): anyone may read it
(Encryption: the standard security handler, revision 2, 40-bit RC4, PDF 1.7 section
7.6.3, algorithms 2 to 4.)
Run it from this folder: python3 make_pdfs.py
(python3 make_pdfs.py PAGES OUT.pdf writes a long document for bench/extract.)"""

import hashlib
import sys

PASSWORD_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")
PERMISSIONS = -44  # print and copy, no changes or notes (bits 3 and 5 set; 4 and 6 clear)


def rc4(key, data):
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def padded(password):
    return (password.encode("latin-1") + PASSWORD_PAD)[:32]


class Rc4Security:
    """Revision 2 of the standard security handler: the /Encrypt entries and the
    per-object keys that encrypt strings and streams."""

    def __init__(self, user_password, owner_password, file_id):
        owner_key = hashlib.md5(padded(owner_password)).digest()[:5]
        self.owner_entry = rc4(owner_key, padded(user_password))  # algorithm 3
        self.key = hashlib.md5(padded(user_password) + self.owner_entry +
                               PERMISSIONS.to_bytes(4, "little", signed=True) +
                               file_id).digest()[:5]  # algorithm 2
        self.user_entry = rc4(self.key, PASSWORD_PAD)  # algorithm 4

    def encrypt(self, number, data):
        object_key = hashlib.md5(self.key + number.to_bytes(3, "little") + b"\0\0").digest()
        return rc4(object_key[:10], data)

    def dictionary(self):
        return (b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
                % (self.owner_entry.hex().encode(), self.user_entry.hex().encode(), PERMISSIONS))


def escape(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_ops(lines):
    """lines: (x, y, size, text) -> a content stream showing each line."""
    ops = []
    for x, y, size, text in lines:
        ops.append(f"BT /F1 {size} Tf {x} {y} Td ({escape(text)}) Tj ET")
    return "\n".join(ops).encode("latin-1")


IMAGE_OPS = b"q 400 0 0 500 100 150 cm /Im1 Do Q"


def write_pdf(path, pages, info, passwords=None):
    """pages: list of content streams (bytes); info: Info dictionary entries;
    passwords: (user, owner) to encrypt the file with, or None."""
    objects = []  # object bodies, numbered from 1
    file_id = hashlib.md5(path.encode()).digest()
    security = Rc4Security(*passwords, file_id) if passwords else None

    def seal(data):  # a string or stream of the object about to be added
        return security.encrypt(len(objects) + 1, data) if security else data

    def add(body):
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = add(b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Length 4 >>\nstream\n" + seal(b"\x00\xff\xff\x00") +
                b"\nendstream")
    pages_id = len(objects) + 1 + 2 * len(pages)  # after every page and its content
    page_ids = []
    for content in pages:
        content = seal(content)
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        page_ids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
            % (pages_id, stream, font, image)))
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    def string(text):  # a literal string in the clear, hex once encrypted
        if not security:
            return b"(%s)" % escape(text).encode("latin-1")
        return b"<%s>" % seal(text.encode("latin-1")).hex().encode()

    entries = b" ".join(b"/%s %s" % (k.encode(), string(v)) for k, v in info.items())
    info_id = add(b"<< " + entries + b" >>")
    encrypt = b""
    if security:
        encrypt = b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (
            add(security.dictionary()), file_id.hex().encode(), file_id.hex().encode())

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, catalog, info_id, encrypt, xref))
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
    page1 = {"Title": "Mediterranean Peace Initiative"}
    write_pdf("locked.pdf", [text_ops(PAGE1)], page1, passwords=("secret", "owner"))
    write_pdf("owner-only.pdf", [text_ops(PAGE1)], page1, passwords=("", "owner"))


if __name__ == "__main__":
    main()
