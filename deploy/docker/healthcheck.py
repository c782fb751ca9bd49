"""Container healthcheck: `python /opt/petcare/healthcheck.py [/ready]`.

Asks the server in this container (port from $PORT, which every image of ours sets to the port
its CMD serves on) for the path given, `/ready` by default, and exits 0 on HTTP 200, 1 otherwise.
Standard library only: the images carry no curl.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "/ready"
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}{path}"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
