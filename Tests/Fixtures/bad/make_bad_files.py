"""Writes the corpus of bad (and awkward but valid) input files of Tests/Fixtures/bad/.
Each file's required outcome is listed in expected.json: the exact error message ("{path}"
stands for the file's path) or "ok" with the shape it must load as.
Run: python3 make_bad_files.py (numpy for the .npy files)."""
import json
import numpy as np

csv = {
    "empty.csv": b"",
    "header_only.csv": b"a,b,y\n",
    "header_only_crlf.csv": b"a,b,y\r\n\r\n",
    "ragged_short.csv": b"a,b,y\n1,2,3\n4,5\n",
    "ragged_long.csv": b"a,b,y\n1,2,3\n4,5,6,7\n",
    "trailing_comma.csv": b"a,y\n1,2,\n",
    "header_trailing_comma.csv": b"a,y,\n1,2\n",
    "nan.csv": b"a,y\n1,2\nnan,3\n",
    "inf.csv": b"a,y\n1,Infinity\n",
    "negative_inf.csv": b"a,y\n-inf,1\n",
    "huge_exponent.csv": b"a,y\n1e999999999,1\n",
    "not_a_number.csv": b"a,y\n1,2\n3,4x\n",
    "empty_cell.csv": b"a,b,y\n1,,3\n",
    "quoted_text.csv": b'a,y\n"one",2\n',
    "non_utf8_header.csv": b"a\xff,y\n1,2\n",
    "non_utf8_cell.csv": b"a,y\n1,\xe9\n",
    "blank_line_inside.csv": b"a,y\n1,2\n\n3,4\n",
    "duplicate_names.csv": b"x,x,y\n1,2,3\n",
    "unbalanced_quote.csv": b'"a,y\n1,2\n',
    # Awkward but valid: each must load.
    "bom_crlf.csv": b"\xef\xbb\xbfa,y\r\n1,2\r\n3,4\r\n",
    "quoted_numbers.csv": b'"a","y"\n"1.5","2"\n" 3 ",4\n',
    "tiny_exponent.csv": b"a,y\n1e-400,1\n2,3\n",
    "no_final_newline.csv": b"a,y\n1,2\n3,4",
}
for name, content in csv.items():
    with open(name, "wb") as f:
        f.write(content)

a = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
np.save("int32.npy", a.astype(np.int32))
np.save("complex.npy", a.astype(np.complex128))
np.save("three_dimensional.npy", np.zeros((2, 2, 2)))
np.save("good.npy", a)
whole = open("good.npy", "rb").read()
open("truncated.npy", "wb").write(whole[:-12])
open("extra_bytes.npy", "wb").write(whole + b"\0" * 16)
header_end = whole.index(b"\n") + 1
lying = whole[:header_end].replace(b"(3, 2)", b"(4, 2)")
open("shape_too_large.npy", "wb").write(lying + whole[header_end:])
open("not_numpy.npy", "wb").write(b"a,y\n1,2\n")
open("empty.npy", "wb").write(b"")

expected = {
    "empty.csv": "{path}: the file is empty",
    "header_only.csv": "{path}: the file has a header but no data rows",
    "header_only_crlf.csv": "{path}: the file has a header but no data rows",
    "ragged_short.csv": "{path}:3: the row has 2 cells but the header has 3",
    "ragged_long.csv": "{path}:3: the row has 4 cells but the header has 3",
    "trailing_comma.csv": "{path}:2: the row has 3 cells but the header has 2",
    "header_trailing_comma.csv": "{path}:1: bad header: column 3 has no name",
    "nan.csv": "{path}:3:1: 'nan' is not a finite number (NaN, infinity or out of range)",
    "inf.csv": "{path}:2:2: 'Infinity' is not a finite number (NaN, infinity or out of range)",
    "negative_inf.csv": "{path}:2:1: '-inf' is not a finite number (NaN, infinity or out of range)",
    "huge_exponent.csv": "{path}:2:1: '1e999999999' is not a finite number (NaN, infinity or out of range)",
    "not_a_number.csv": "{path}:3:2: '4x' is not a number",
    "empty_cell.csv": "{path}:2:2: empty cell",
    "quoted_text.csv": "{path}:2:1: '\"one\"' is not a number",
    "non_utf8_header.csv": "{path}:1: bad header: the header is not valid UTF-8",
    "non_utf8_cell.csv": "{path}:2:2: '\ufffd' is not a number",
    "blank_line_inside.csv": "{path}:3: the row has 0 cells but the header has 2",
    "duplicate_names.csv": "{path}:1: bad header: the name 'x' appears twice",
    "unbalanced_quote.csv": "{path}:1: bad header: unbalanced quote in column 1",
    "bom_crlf.csv": "ok 2x1",
    "quoted_numbers.csv": "ok 2x1",
    "tiny_exponent.csv": "ok 2x1",
    "no_final_newline.csv": "ok 2x1",
    "int32.npy": "{path}: unsupported element type '<i4' (float64 '<f8' and float32 '<f4' are supported)",
    "complex.npy": "{path}: unsupported element type '<c16' (float64 '<f8' and float32 '<f4' are supported)",
    "three_dimensional.npy": "{path}: the array has shape (2, 2, 2); a 2-D array (rows, columns) is needed",
    "good.npy": "ok 3x1",
    "truncated.npy": "{path}: truncated: the header promises 48 data bytes, the file has 36",
    "extra_bytes.npy": "{path}: the header's shape (3, 2) needs 48 data bytes but the file has 64: the header does not describe the data",
    "shape_too_large.npy": "{path}: truncated: the header promises 64 data bytes, the file has 48",
    "not_numpy.npy": "{path}: not a NumPy .npy file (the magic string \\x93NUMPY is missing)",
    "empty.npy": "{path}: the file is empty",
}
with open("expected.json", "w") as f:
    json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
    f.write("\n")
