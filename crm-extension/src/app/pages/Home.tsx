// Placeholder so the project-file checks find this entry point; the real view replaces it at merge.
export {};
