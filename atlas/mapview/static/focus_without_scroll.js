{% macro script(this, kwargs) %}
(function (box) {
    box.focus = function () { HTMLElement.prototype.focus.call(box, {"preventScroll": true}); };
})({{ this._parent.get_name() }}.getContainer());
{% endmacro %}
