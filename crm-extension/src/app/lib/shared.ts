/**
 * The service's request and response schemas (the repo's shared/ package), as copied into this project by
 * `npm run hubspot:configure`: HubSpot's build sees only this project. A test checks the copy is current.
 */
export * from '../shared/index.js';
