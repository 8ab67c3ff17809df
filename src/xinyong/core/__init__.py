"""Values and encodings shared by every stage, with no I/O: ids, canonical bytes, the Merkle tree, codes, USCC, calendar."""
