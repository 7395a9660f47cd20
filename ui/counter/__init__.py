"""The counter console: what a signed-in clerk sees all day at a counter.

A screen a file: sign-in, the console (the ticket at the counter, the actions,
the waiting list, the visitor's kiosk form) and the panels the actions open.
The desk itself (:class:`kiosk.counter.CounterDesk`) is called on the worker
only; the screens draw what it reports (:mod:`ui.counter.desk_runner`).
"""
