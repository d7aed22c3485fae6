/** The webview panel's view type; also its activation event `onWebviewPanel:shopfloor.panel`. In its own module so activation need not load the panel. */
export const PANEL_VIEW_TYPE = 'shopfloor.panel';
