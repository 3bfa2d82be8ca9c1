#!/usr/bin/env python3
"""Prints the 0-based slot of each function in ONNX Runtime's OrtApi table.

    scripts/ort_api_slots.py onnxruntime_c_api.h [NAME ...]

dev.trainer.ort.OrtApi calls the C API through this table, by position. Run this on the header
of the ONNX Runtime version trainer builds against (include/onnxruntime/core/session/ of the
release) and compare with the constants in OrtApi.java whenever ONNX Runtime is upgraded. Members
of struct OrtApi are declared with ORT_API2_STATUS, ORT_API_T, ORT_CLASS_RELEASE(2) or as plain
function pointers; each is one slot.
"""
import re
import sys


def slots(header_text):
    start = header_text.index("struct OrtApi {")
    depth, end = 0, start
    for end in range(start, len(header_text)):
        if header_text[end] == "{":
            depth += 1
        elif header_text[end] == "}":
            depth -= 1
            if depth == 0:
                break
    body = header_text[start:end]
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    body = re.sub(r"//[^\n]*", "", body)
    body = "\n".join(line for line in body.splitlines() if not line.strip().startswith("#"))
    member = re.compile(r"ORT_API2_STATUS\(\s*(\w+)|ORT_API_T\(\s*[^,]+?,\s*(\w+)"
                        r"|ORT_CLASS_RELEASE2?\(\s*(\w+)\)|\(\s*ORT_API_CALL\s*\*\s*(\w+)\s*\)")
    names = []
    for m in member.finditer(body):
        status, typed, released, pointer = m.groups()
        names.append(status or typed or ("Release" + released if released else pointer))
    return names


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    text = open(sys.argv[1], encoding="utf-8").read()
    version = re.search(r"#define ORT_API_VERSION (\d+)", text)
    print(f"ORT_API_VERSION {version.group(1) if version else '?'}")
    wanted = set(sys.argv[2:])
    for index, name in enumerate(slots(text)):
        if not wanted or name in wanted:
            print(index, name)


if __name__ == "__main__":
    main()
