"""RNN Lab's engine: data, models, training and figures. Never imports streamlit."""
