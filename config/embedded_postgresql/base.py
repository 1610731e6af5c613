"""PostgreSQL that starts (or repairs and joins) the embedded server before connecting.

The settings only name this backend and the data folder; the server is started here, the
first time a connection is actually needed, and looked at again on every new connection so
that a server stopped or killed underneath a running process is started again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.backends.postgresql import base

from config.database import embedded_server_ensure


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if self.settings_dict["HOST"]:  # pointed elsewhere on purpose (a test, a tunnel)
            return params
        server = embedded_server_ensure(Path(self.settings_dict["EMBEDDED_DATA_DIR"]))
        params["host"] = str(server.socket_dir)
        params["port"] = server.port
        return params
