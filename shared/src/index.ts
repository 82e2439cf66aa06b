// Types and zod schemas shared by the service and the HubSpot extension (campaign, outcome, API shapes).
// No runtime I/O here: both a Node process and HubSpot's extension sandbox import this package.
export {};
