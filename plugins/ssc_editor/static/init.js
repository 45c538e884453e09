/* Start the editor once the format and widgets are registered (index.html sets CMS_MANUAL_INIT). */
window.CMS.init();
