"""The waiting-room board: the newest call large, the previous calls, waits per service.

Everything on it is shown in every station language at once (a board has no
language buttons); the calls come from :class:`kiosk.board.BoardFeed` on the
worker thread and are spoken by :class:`kiosk.announcer.Announcer`.
"""
