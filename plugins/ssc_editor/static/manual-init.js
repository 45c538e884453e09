/* Decap starts itself on load unless told to wait: the custom format must be registered first. */
window.CMS_MANUAL_INIT = true;
