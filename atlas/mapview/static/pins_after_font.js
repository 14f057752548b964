{% macro script(this, kwargs) %}
(function (box) {
    var fonts = document.fonts;
    if (!fonts || !fonts.load) { return; }
    L.DomUtil.addClass(box, "atlas-fonts-pending");
    var done = function () { L.DomUtil.removeClass(box, "atlas-fonts-pending"); };
    fonts.load({{ this.font_json }}, {{ this.text_json }}).then(done, done);
    setTimeout(done, 2000);
})({{ this._parent.get_name() }}.getContainer());
{% endmacro %}
