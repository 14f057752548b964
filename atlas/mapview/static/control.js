{% macro script(this, kwargs) %}
(function (map) {
    var box = L.control({"position": {{ this.position_json }}});
    box.onAdd = function () {
        var div = L.DomUtil.create("div", {{ this.class_json }});
        div.innerHTML = {{ this.html_json }};
        div.setAttribute("title", {{ this.title_json }});
        return div;
    };
    box.addTo(map);
})({{ this._parent.get_name() }});
{% endmacro %}
