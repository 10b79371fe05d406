"""Editing a map by saying so: typed operations (``assistant.domain.edits``), understood
offline from an instruction (``understand``) or by a model (``assisted``), shown as a diff
(``describe``) and applied to a copy (``apply``)."""
