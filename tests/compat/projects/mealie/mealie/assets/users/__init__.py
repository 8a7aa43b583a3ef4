from pathlib import Path

CWD = Path(__file__).parent

img_random_1 = CWD / "random_1.webp"
img_random_2 = CWD / "random_2.webp"
img_random_3 = CWD / "random_3.webp"
