// Imported by capture-script.ts before snapdom, which reads this global when it loads: for a filled
// Material Symbols icon snapdom would download a font of its own from fonts.gstatic.com. With no URLs it
// draws the icon in the font the page loaded, and a capture fetches nothing the page did not.
(window as { __SNAPDOM_ICON_FONTS__?: Record<string, string> }).__SNAPDOM_ICON_FONTS__ = {
  materialIconsFilled: '',
  materialIconsOutlined: '',
  materialIconsRound: '',
  materialIconsSharp: '',
};
