"""The workshop room: many participants on one machine's kit, each in their own browser.

- :mod:`.roster` who has joined (identity per browser token) and the room's state, kept in
  the trainer's results folder so a restart loses nothing;
- :mod:`.views` what the overview and the trainer view show, computed from the results folder;
- :mod:`.network` the addresses the room can be reached at, and the QR code;
- :mod:`.server` Voilà with the room's pages and guards (join, overview, trainer view).

The kernel side (which participant a page's kernel answers for) is in
:mod:`smmkit.kernel.session`.
"""
