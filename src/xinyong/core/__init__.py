"""Values and encodings shared by every stage, with no I/O: ids, canonical bytes, Merkle tree, codes, USCC, calendar."""
