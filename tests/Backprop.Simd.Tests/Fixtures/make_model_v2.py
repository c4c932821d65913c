"""Writes model-v2.bpsimd from docs/model-format.md alone (not from our C# code), so the
test that loads it checks the format's documentation as well as the reader.
[3, 4, 2] relu, identity, quadratic; regression; inputs and targets standardised; named columns;
parameters p_i = (i - 13) / 16."""
import struct, zlib
sizes = [3, 4, 2]
out = bytearray(b"BPSIMDNN")
out += struct.pack("<ii", 2, len(sizes)) + struct.pack("<3i", *sizes)
out += bytes([3, 0])            # activations: relu, identity
out += bytes([0])               # cost: quadratic
out += bytes([1, 0b11])         # task: regression; flags: inputs and targets standardised
out += struct.pack("<3f", 1.0, -2.0, 0.5) + struct.pack("<3f", 2.0, 0.25, 1.0)
out += struct.pack("<2f", 10.0, -3.0) + struct.pack("<2f", 4.0, 0.5)
def names(items):
    b = struct.pack("<i", len(items))
    for n in items:
        u = n.encode("utf-8")
        b += struct.pack("<i", len(u)) + u
    return b
out += names(["a", "b", "c"]) + names(["y1", "\u00ff2"])
count = 3 * 4 + 4 + 4 * 2 + 2
out += struct.pack("<i", count) + struct.pack(f"<{count}f", *[(i - 13) / 16 for i in range(count)])
out += struct.pack("<I", zlib.crc32(bytes(out)))
open("model-v2.bpsimd", "wb").write(out)
