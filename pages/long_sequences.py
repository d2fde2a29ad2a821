import streamlit as st

st.title("Coming soon")
st.info("This screen is being built. The HiHello screen shows what every screen will offer.")
