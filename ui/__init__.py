"""Streamlit helpers shared by the pages: error display, charts with captions, run caching."""
