"""Reports: what people read — plots for HTML reports, terminal summaries and progress bars."""
