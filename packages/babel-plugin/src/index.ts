// Filled by a later issue; see ../../../shared/DESIGN.md for what belongs here.
export {};
