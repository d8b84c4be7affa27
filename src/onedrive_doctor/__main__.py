"""``python -m onedrive_doctor``."""

from ._cli import main

if __name__ == "__main__":
    main()
