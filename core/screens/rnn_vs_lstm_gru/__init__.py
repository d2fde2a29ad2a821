"""The rnn_vs_lstm_gru screen's pure parts."""
