"""What a sync round did and where the sync stands: plain records the command line prints
and the window's status bar shows. No HTTP client here, so a front end can import this
before (or without) ever talking to a server."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.core.wording import counted

CONNECTED = "connected"  # the last contact with the server worked
SYNCING = "syncing"  # a round is sending or applying something (the app shows it)
OFFLINE = "offline"  # the server could not be reached (or refused the token)
NOT_CONNECTED = "not connected"  # no server is set for this library


@dataclass(frozen=True)
class SyncStatus:
    """Where the sync of one library stands. ``unsent`` counts the journal's entries this
    library made that the server has not acknowledged (changes of the user's passages)."""

    state: str
    unsent: int = 0
    server: str | None = None
    user: str | None = None
    problem: str | None = None  # why it is offline, in a user's words

    @property
    def text(self) -> str:
        """As the status bar says it: "connected", "syncing…", "offline (3 unsent)"."""
        if self.state == SYNCING:
            return "syncing…"
        if self.state == OFFLINE:
            return f"offline ({self.unsent} unsent)"
        return self.state

    def as_dict(self) -> dict[str, object]:
        return {"status": self.state, "text": self.text, "server": self.server,
                "user": self.user, "unsent": self.unsent, "problem": self.problem}


@dataclass
class SyncReport:
    """What one round did, by annotation or article id."""

    status: SyncStatus = field(default_factory=lambda: SyncStatus(NOT_CONNECTED))
    sent: list[str] = field(default_factory=list)  # passages the server now has as here
    sent_deletions: list[str] = field(default_factory=list)
    sent_articles: list[str] = field(default_factory=list)  # new on the server
    received: list[str] = field(default_factory=list)  # passages added or changed here
    received_deletions: list[str] = field(default_factory=list)
    received_articles: list[str] = field(default_factory=list)  # new here
    conflicts: list[str] = field(default_factory=list)  # "<id>: how it was resolved"
    held_back: list[str] = field(default_factory=list)  # another annotator's: not sent
    out_of_sight: list[str] = field(default_factory=list)  # announced, then answered 404
    errors: list[str] = field(default_factory=list)  # refusals, one line each

    def lines(self) -> list[str]:
        """The report as the command line prints it."""
        lines = [
            "sent: " + _parts(counted(len(self.sent), "passage"),
                              counted(len(self.sent_deletions), "deletion"),
                              counted(len(self.sent_articles), "article")),
            "received: " + _parts(counted(len(self.received), "passage"),
                                  counted(len(self.received_deletions), "deletion"),
                                  counted(len(self.received_articles), "article")),
        ]
        if self.conflicts:
            lines.append(f"conflicts resolved: {len(self.conflicts)} (the later update wins; "
                         "a deletion is never undone)")
            lines += [f"  {conflict}" for conflict in self.conflicts[:20]]
        if self.held_back:
            lines.append(f"not sent: {counted(len(self.held_back), 'passage')} of other "
                         f"annotators (the server takes only {self.status.user}'s from "
                         "this library)")
        if self.out_of_sight:
            lines.append(f"out of sight: {counted(len(self.out_of_sight), 'passage')} "
                         "(private now, or in a group you are not in); the copies here stay")
        lines += [f"error: {error}" for error in self.errors[:20]]
        if len(self.errors) > 20:
            lines.append(f"… and {len(self.errors) - 20} more errors")
        lines.append(f"status: {self.status.text}"
                     + (f" — {self.status.problem}" if self.status.problem else ""))
        return lines

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status.as_dict(),
            "sent": {"passages": self.sent, "deletions": self.sent_deletions,
                     "articles": self.sent_articles},
            "received": {"passages": self.received, "deletions": self.received_deletions,
                         "articles": self.received_articles},
            "conflicts": self.conflicts,
            "held_back": self.held_back,
            "out_of_sight": self.out_of_sight,
            "errors": self.errors,
        }


def _parts(*parts: str) -> str:
    shown = [part for part in parts if not part.startswith("0 ")]
    return ", ".join(shown) if shown else "nothing"
