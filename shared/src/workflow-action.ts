/** Filled in by the HubSpot app surface work. */
export {};
