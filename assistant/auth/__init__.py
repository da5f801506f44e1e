"""App-side records: users and roles (사용자·역할), the append-only audit log (감사 기록),
chat history and feedback. All of it lives in `<home>/app.sqlite`, apart from the index."""

from assistant.auth.audit_log import AuditLog
from assistant.auth.history import ChatHistory
from assistant.auth.users import ROLES, User, UserStore

__all__ = ["AuditLog", "ChatHistory", "ROLES", "User", "UserStore"]
