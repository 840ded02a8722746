"""Files: what the bot uploads or names in a send, and getFile for what people sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import bad_request
from ..params import Params, Upload, str_param
from ..registry import method
from ..state import StoredFile

if TYPE_CHECKING:
    from ..server import StandIn


def file_param(server: StandIn, params: Params, name: str, kind: str) -> StoredFile:
    """The file a send names: a fresh upload, a known file_id, or a URL (stored empty)."""
    value = params.get(name)
    if isinstance(value, Upload):
        mime = value.content_type if kind != "photos" else "image/jpeg"
        return server.store_file(value.data, kind, value.filename, mime)
    if isinstance(value, str) and value:
        if value in server.files:
            return server.files[value]
        if value.startswith(("http://", "https://")):
            return server.store_file(b"", kind, value.rsplit("/", 1)[-1] or None)
    raise bad_request("wrong file identifier/HTTP URL specified")


@method("getFile")
async def get_file(server: StandIn, params: Params) -> Any:
    file_id = str_param(params, "file_id") or ""
    stored = server.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }
