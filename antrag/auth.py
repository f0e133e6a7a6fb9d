"""Access helpers shared by all views: role checks and the load-or-404 guard."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .extensions import db
from .security import security_event


def role_required(*roles: str):
    """Let only logged-in users with one of `roles` through; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def load_visible(model, object_id: int):
    """Return the object if it exists and the current user may see it; otherwise 404."""
    obj = db.session.get(model, object_id)
    if obj is None or not obj.can_view(current_user):
        security_event("access_refused", obj=f"{model.__name__}:{object_id}", outcome="refused")
        abort(404)
    return obj
