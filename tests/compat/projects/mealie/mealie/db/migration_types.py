from mealie.db.models._model_utils.datetime import NaiveDateTime  # noqa: F401
from mealie.db.models._model_utils.guid import GUID  # noqa: F401
