"""Where things live and how they are written: folder layouts, atomic writes, and one reader per kind of file."""
