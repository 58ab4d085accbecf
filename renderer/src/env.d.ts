// Vite's client types: CSS and asset imports (import './app.css'), import.meta.env.
/// <reference types="vite/client" />
